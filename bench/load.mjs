// Load generator, run by bench/run.mjs as its own process (fork) so autocannon never shares a server's event
// loop. Protocol over IPC: receive { type: 'run', scenario, connections, duration, warmup }, answer
// { type: 'measuring' } when the warm-up is over and { type: 'result', result } at the end.
import autocannon from 'autocannon';

/** Request definitions: static ones are prebuilt once by autocannon; dynamic ones build each request. */
function requestsFor(s) {
  const json = { 'content-type': 'application/json' };
  const dynamic = (build) => ({ requests: [{ setupRequest: (req) => ({ ...req, ...build(s.cursor++) }) }] });
  switch (s.kind) {
    case 'get':
      return { url: `${s.url}${s.path}`, method: 'GET', headers: s.headers ?? {} };
    case 'post-comment':
      // Rotate authors and articles; every body is unique so duplicate detection never trips.
      return dynamic((i) => ({
        method: 'POST',
        path: `/api/articles/${s.slugs[i % s.slugs.length]}/comments`,
        headers: { ...json, authorization: `Bearer ${s.tokens[i % s.tokens.length]}` },
        body: JSON.stringify({ body: `Benchmark comment ${s.runId}-${s.start + i}: ${s.lorem[i % s.lorem.length]}` }),
      }));
    case 'decide':
      // Walks the pending ids across all runs (service and floor alike): the first pass approves, the next rejects,
      // the next approves again, … so every request is a real transition with its counters and audit row.
      return dynamic((i) => {
        const g = s.start + i;
        return {
          method: 'PATCH',
          path: `/api/admin/comments/${s.ids[g % s.ids.length]}`,
          headers: { ...json, authorization: `Bearer ${s.token}` },
          body: Math.floor(g / s.ids.length) % 2 === 0 ? '{"status":"approved"}' : '{"status":"rejected"}',
        };
      });
    case 'react':
      // Walks (reader, comment) pairs across all runs: every comment once per reader before the next reader, so
      // consecutive requests touch different comments and every PUT adds a reaction the reader had not given.
      return dynamic((i) => {
        const g = s.start + i;
        return {
          method: 'PUT',
          path: `/api/comments/${s.ids[g % s.ids.length]}/reactions/mine`,
          headers: { ...json, authorization: `Bearer ${s.tokens[Math.floor(g / s.ids.length) % s.tokens.length]}` },
          body: JSON.stringify({ kind: s.reaction }),
        };
      });
    case 'login':
      return dynamic((i) => ({
        method: 'POST',
        path: '/api/auth/login',
        headers: json,
        body: JSON.stringify({ login: s.usernames[i % s.usernames.length], password: s.password }),
      }));
    default:
      throw new Error(`unknown scenario kind ${s.kind}`);
  }
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

// eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches its own errors
process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  try {
    const s = { ...msg.scenario, cursor: 0, start: msg.scenario.start ?? 0 };
    const base = { url: s.url, connections: msg.connections, timeout: 10, ...requestsFor(s) };
    if (msg.warmup > 0) await run({ ...base, duration: msg.warmup });
    process.send({ type: 'measuring' });
    const r = await run({ ...base, duration: msg.duration });
    process.send({
      type: 'result',
      result: {
        rps: r.requests.average,
        total: r.requests.total,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: r.statusCodeStats,
        p50: r.latency.p50,
        p99: r.latency.p99,
        mean: r.latency.average,
        max: r.latency.max,
        duration: r.duration,
        used: s.cursor,
      },
    });
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
});
