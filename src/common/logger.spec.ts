import { createLogger, type RequestLogFields, requestLogger } from './logger.js';

const fields = (url: string): RequestLogFields => ({ msg: 'request', method: 'GET', url, status: 200, ms: 1.5, reqId: 'req-1' });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('request log lines', () => {
  let writes: string[];
  beforeEach(() => {
    writes = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("should write JSON lines exactly as Nest's JSON logger would, batched into one write per event-loop turn", async () => {
    const logger = createLogger({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' });
    logger.log(fields('/api/articles/a/comments?x="ä"'), 'HTTP');
    const nest = JSON.parse(writes.pop()!) as Record<string, unknown>;

    const log = requestLogger(logger);
    log('log', fields('/api/articles/a/comments?x="ä"'));
    log('log', fields('/api/comments/counts'));
    expect(writes).toEqual([]); // not yet: written once per turn
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = writes[0].split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(Object.keys(nest));
    expect({ ...first, timestamp: 0 }).toEqual({ ...nest, timestamp: 0 });
    expect(typeof first.timestamp).toBe('number');
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'log', context: 'HTTP', message: 'request', url: '/api/comments/counts' });
  });

  it('should leave out the levels that are not enabled (health checks at debug)', async () => {
    const log = requestLogger(createLogger({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' }));
    log('debug', fields('/api/health'));
    await nextTurn();
    expect(writes).toEqual([]);

    const verbose = requestLogger(createLogger({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }));
    verbose('debug', fields('/api/health'));
    await nextTurn();
    expect(JSON.parse(writes.join(''))).toMatchObject({ level: 'debug', message: 'request', url: '/api/health' });
  });
});

describe('JSON log lines', () => {
  let writes: string[];
  beforeEach(() => {
    writes = [];
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
  });
  afterEach(() => vi.restoreAllMocks());

  it('should always carry `message` as a string, with a structured entry’s fields beside it', () => {
    const logger = createLogger({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' });
    logger.log('ready: listening on 0.0.0.0:3000', 'Bootstrap');
    logger.warn({ msg: 'dropped a stream', reason: 'stalled', level: 'shadowed' }, 'LiveUpdates');
    logger.error({ code: 42 }, 'Other');
    const lines = writes.map((w) => JSON.parse(w) as Record<string, unknown>);
    expect(lines.map((l) => typeof l.message)).toEqual(['string', 'string', 'string']);
    expect(lines[0]).toMatchObject({ level: 'log', message: 'ready: listening on 0.0.0.0:3000', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ level: 'warn', message: 'dropped a stream', reason: 'stalled', fields: { level: 'shadowed' } });
    expect(lines[2]).toMatchObject({ level: 'error', message: '{"code":42}', data: { code: 42 } });
  });
});
