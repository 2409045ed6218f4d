// Server-Sent Events read with fetch, so the request can carry an Authorization header (EventSource cannot, and a
// token never goes in a URL). Reconnects with the server's `retry:` delay; every connect gets a fresh token.

export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

export interface StreamOptions {
  /** A fresh request per connection (with the current token). */
  request: () => Promise<Request>;
  onEvent: (e: StreamEvent) => void;
  /** Connected (true) or waiting to reconnect (false). */
  onState?: (open: boolean) => void;
  /** A non-200 answer: return false to stop for good (e.g. 403: no longer staff). */
  onRefused?: (response: Response) => boolean | Promise<boolean>;
}

/** Opens the stream and keeps it open until the returned function is called. */
export function followStream(options: StreamOptions): () => void {
  const abort = new AbortController();
  let retryMs = 3000;
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const response = await fetch(await options.request(), { signal: abort.signal });
        if (response.status !== 200 || !response.body) {
          if (options.onRefused && !(await options.onRefused(response))) return;
        } else {
          options.onState?.(true);
          await read(response.body, options.onEvent, (ms) => (retryMs = ms));
        }
      } catch {
        if (stopped) return;
      }
      options.onState?.(false);
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}

async function read(body: ReadableStream<Uint8Array>, onEvent: (e: StreamEvent) => void, onRetry: (ms: number) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('retry: ')) onRetry(Number(line.slice(7)) || 3000);
      }
      if (data.length) onEvent({ event, data: data.join('\n'), id });
    }
  }
}
