// Live-update fan-out, run by bench/run.mjs as its own process (fork): N subscribers on one article's SSE stream,
// then R moderator approvals, one at a time; for each, when every subscriber had the `comment` event, relative to
// the moment the approving request was sent. (Not to its response: this process also reads the 1,000 streams, so
// the response is often handled only after the events it caused, which made "after the response" negative.) Protocol over IPC: receive { type: 'open', url, slug,
// subscribers } → { type: 'opened', ms }; then { type: 'approve', url, slug, token, readerToken, rounds } →
// { type: 'result', result }; errors → { type: 'error', message }.
import http from 'node:http';

const now = () => performance.timeOrigin + performance.now();
const streams = [];

/** Opens one stream; resolves once its first event (the current count) arrived, i.e. it is subscribed. */
function openStream(url) {
  return new Promise((resolve, reject) => {
    const s = { seen: new Map(), tail: '', req: undefined, want: new Set() };
    s.req = http.request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let subscribed = false;
      res.on('data', (chunk) => {
        const at = now();
        // Only look for the ids being waited for; keep a short tail so an id split across chunks is still found.
        const text = s.tail + chunk;
        for (const id of s.want) {
          if (text.includes(id)) {
            s.seen.set(id, at);
            s.want.delete(id);
          }
        }
        s.tail = text.slice(-64);
        if (!subscribed && text.includes('event: count')) {
          subscribed = true;
          resolve(s);
        }
      });
      res.on('error', () => {});
    });
    s.req.on('error', reject);
    s.req.end();
  });
}

async function open({ url, slug, subscribers }) {
  const started = now();
  const target = `${url}/api/articles/${slug}/events`;
  // In batches: a thousand connects at once would only measure the accept queue.
  for (let i = 0; i < subscribers; i += 50) {
    streams.push(...(await Promise.all(Array.from({ length: Math.min(50, subscribers - i) }, () => openStream(target)))));
  }
  return { ms: now() - started };
}

async function api(url, method, path, token, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

async function approve({ url, slug, token, readerToken, rounds, runId }) {
  const last = [];
  const first = [];
  const answer = [];
  for (let r = 0; r < rounds; r++) {
    const { comment } = await api(url, 'POST', `/api/articles/${slug}/comments`, readerToken, {
      body: `Коментар за разпращане ${runId}-${r}: добре написано.`,
    });
    for (const s of streams) s.want.add(comment.id);
    const sent = now();
    await api(url, 'PATCH', `/api/admin/comments/${comment.id}`, token, { status: 'approved' });
    const answered = now();
    answer.push(answered - sent);
    const deadline = answered + 10_000;
    while (streams.some((s) => !s.seen.has(comment.id)) && now() < deadline) await new Promise((res) => setTimeout(res, 1));
    const arrivals = streams.map((s) => s.seen.get(comment.id)).filter((t) => t !== undefined);
    if (arrivals.length !== streams.length)
      throw new Error(`${streams.length - arrivals.length} of ${streams.length} subscribers missed an event`);
    last.push(Math.max(...arrivals) - sent);
    first.push(Math.min(...arrivals) - sent);
    for (const s of streams) s.seen.delete(comment.id);
    await new Promise((res) => setTimeout(res, 100));
  }
  for (const s of streams) s.req.destroy();
  return {
    subscribers: streams.length,
    rounds,
    lastP50: percentile(last, 50),
    lastP99: percentile(last, 99),
    lastMax: Math.max(...last),
    firstP50: percentile(first, 50),
    answerP50: percentile(answer, 50),
    last,
  };
}

// eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches its own errors
process.on('message', async (msg) => {
  try {
    if (msg?.type === 'open') process.send({ type: 'opened', ...(await open(msg)) });
    else if (msg?.type === 'approve') process.send({ type: 'result', result: await approve(msg) });
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
});
