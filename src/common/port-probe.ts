import { createServer } from 'node:net';

/** Tries to listen on host:port and lets go at once; the error code when that fails (EADDRINUSE, EACCES, …). */
export function probePort(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
