import pg from 'pg';

const CONNECT_TIMEOUT_MS = 10_000;

/** Where a connection string points, without its password. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}/${decodeURIComponent(u.pathname.slice(1))} as ${decodeURIComponent(u.username) || '(default user)'}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** The reason a connection failed, in words; never the password or a stack. */
function connectionFailureReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { code?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing is listening there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case '28P01':
      return 'password authentication failed';
    case '28000':
      return 'the server refuses this user (no such role, or pg_hba.conf does not allow it)';
    case '3D000':
      return 'the database does not exist';
    case '57P03':
      return 'the server is starting up or shutting down';
    default:
      return /timeout/i.test(e.message) ? 'no answer (timed out)' : e.message;
  }
}

/** The database could not be reached or refused the login; the message names the target and the reason. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(url: string, cause: unknown) {
    super(`cannot connect to the database at ${describeTarget(url)}: ${connectionFailureReason(cause)}`);
  }
}

/** A connected single client for short tasks (migrations, checks); a failed connect is a DatabaseUnreachableError. */
export async function connectClient(connectionString: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, application_name: applicationName, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new DatabaseUnreachableError(connectionString, err);
  }
  return client;
}
