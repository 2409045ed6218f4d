// The floor the service is compared with: bare node:http + pg answering the two count routes with the same
// queries (named prepared statements, pool of 10) and the same paths, and nothing else: no framework, no
// validation, no headers, no ETag. Usage: DATABASE_URL=… PORT=… node bench/raw-floor.mjs
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on('error', () => {});

const ONE = /^\/api\/articles\/([^/?]+)\/comments\/count$/;
const MANY = '/api/comments/counts?articles=';

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function handle(req, res) {
  const one = ONE.exec(req.url);
  if (one) {
    const slug = decodeURIComponent(one[1]);
    const { rows } = await pool.query({
      name: 'count-one',
      text: 'SELECT approved_comment_count AS c FROM articles WHERE slug = $1',
      values: [slug],
    });
    return rows.length ? send(res, 200, { slug, count: rows[0].c }) : send(res, 404, { error: { code: 'ARTICLE_NOT_FOUND' } });
  }
  if (req.url.startsWith(MANY)) {
    const slugs = decodeURIComponent(req.url.slice(MANY.length)).split(',');
    const { rows } = await pool.query({
      name: 'count-many',
      text: 'SELECT slug, approved_comment_count AS c FROM articles WHERE slug = ANY($1::text[])',
      values: [slugs],
    });
    const found = new Map(rows.map((r) => [r.slug, r.c]));
    return send(res, 200, { counts: Object.fromEntries(slugs.map((s) => [s, found.get(s) ?? 0])) });
  }
  send(res, 404, { error: { code: 'ROUTE_NOT_FOUND' } });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => send(res, 503, { error: { code: 'SERVICE_UNAVAILABLE' } }));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});

process.on('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
