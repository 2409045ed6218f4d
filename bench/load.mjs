// Load generator, run by bench/run.mjs as its own process (fork) so autocannon never shares the server's event
// loop. Protocol over IPC: receive { type: 'run', scenario, connections, duration, warmup }, answer
// { type: 'measuring' } when the warm-up is over and { type: 'result', result } at the end.
import autocannon from 'autocannon';

/** Request definitions: static ones are prebuilt once by autocannon; dynamic ones build each request. */
function requestsFor(s) {
  const json = { 'content-type': 'application/json' };
  switch (s.kind) {
    case 'get':
      return { url: `${s.url}${s.path}`, method: 'GET', headers: s.headers ?? {} };
    case 'post-comment': {
      // Rotate authors and articles; every body is unique so duplicate detection never trips.
      let n = 0;
      return {
        requests: [
          {
            setupRequest: (req) => {
              const i = n++;
              return {
                ...req,
                method: 'POST',
                path: `/api/articles/${s.slugs[i % s.slugs.length]}/comments`,
                headers: { ...json, authorization: `Bearer ${s.tokens[i % s.tokens.length]}` },
                body: JSON.stringify({ body: `Benchmark comment ${s.runId}-${i}: ${s.lorem[i % s.lorem.length]}` }),
              };
            },
          },
        ],
      };
    }
    case 'approve': {
      // Each pending comment is approved once; state survives from the warm-up into the measured run.
      return {
        requests: [
          {
            setupRequest: (req) => {
              const id = s.ids[s.cursor++ % s.ids.length];
              return {
                ...req,
                method: 'PATCH',
                path: `/api/admin/comments/${id}`,
                headers: { ...json, authorization: `Bearer ${s.token}` },
                body: '{"status":"approved"}',
              };
            },
          },
        ],
      };
    }
    default:
      throw new Error(`unknown scenario kind ${s.kind}`);
  }
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  try {
    const s = { ...msg.scenario, cursor: 0 };
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
        used: s.kind === 'approve' ? s.cursor : undefined,
      },
    });
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
});
