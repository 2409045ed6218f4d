// The floor the service is measured against: bare node:http + pg, no framework, answering every benchmarked route
// with the same SQL as the service (the prepared read statements, comment-state's write statements and the reaction
// statement are imported from the build, so they cannot drift) and the same response: same body, same headers (the service's static
// security headers are handed over by bench/run.mjs; ETags use the same hash). What it leaves out is everything
// the framework adds: routing tables, guards, DTO validation, interceptors, exception filters, logging.
//
// Usage (from bench/run.mjs): DATABASE_URL=… PORT=… JWT_SECRET=… STATIC_HEADERS='{…}' node bench/raw-floor.mjs
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { verify as argon2Verify } from '@node-rs/argon2';
import pg from 'pg';
import { ARTICLE, ARTICLE_PAGE, COUNT_MANY, COUNT_ONE } from '../dist/articles/articles.sql.js';
import { commentPageStatement, POST_CONTEXT } from '../dist/comment-core/comment-reads.sql.js';
import { decideComment, insertComment } from '../dist/comment-core/comment-state.js';
import { react } from '../dist/comment-core/reactions.js';
import { FIRST_PAGE_KEY, FIRST_PAGE_SCORE, pageJson } from '../dist/database/json-pages.js';
import { AUTH_USER } from '../dist/users/users.sql.js';
import { cacheControl, COUNT_CACHE, etagOf, matchesIfNoneMatch, PAGE_CACHE } from '../dist/common/http-cache.js';
import { toAdminCommentView } from '../dist/moderation/moderation.mapper.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
pool.on('error', () => {});
const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');
const STATIC_HEADERS = JSON.parse(process.env.STATIC_HEADERS ?? '{}');
const JSON_TYPE = 'application/json; charset=utf-8';
const SLUG = /^[a-z0-9-]{1,120}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// REACTION_KINDS' default (the benchmark does not change it).
const REACTION_KINDS = ['like'];
const SORTS = { oldest: 'asc', newest: 'desc', top: 'top', replies: 'replies' };

const q = async (s, values) => (await pool.query({ name: s.name, text: s.text, values })).rows;

function send(res, status, json, extra) {
  res.writeHead(status, {
    ...STATIC_HEADERS,
    'x-request-id': randomUUID(),
    ...extra,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

const fail = (res, status, code) => send(res, status, JSON.stringify({ error: { code, message: code } }), { 'cache-control': 'no-store' });

/** The service's conditional GET (src/common/http-cache.ts): ETag of the bytes, Cache-Control, Vary, 304. */
function sendCacheable(req, res, json, policy, signedIn = false) {
  const etag = etagOf(json);
  const headers = {
    etag,
    'cache-control': signedIn ? 'no-store' : cacheControl(policy),
    vary: policy.perViewer ? 'Accept-Encoding, Authorization' : 'Accept-Encoding',
  };
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...STATIC_HEADERS, 'x-request-id': randomUUID(), ...headers });
    return res.end();
  }
  send(res, 200, json, headers);
}

// HS256 JWTs in the format jsonwebtoken issues and verifies.
const b64url = (v) => Buffer.from(v).toString('base64url');
const JWT_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function signJwt(payload) {
  const body = `${JWT_HEADER}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The signed-in user (the same lookup the service makes on every authenticated request), or null. */
async function authUser(req) {
  const auth = req.headers.authorization;
  if (!auth?.startsWith('Bearer ')) return null;
  const [h, p, sig] = auth.slice(7).split('.');
  if (!sig) return null;
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if (claims.typ !== 'access' || !(claims.exp * 1000 > Date.now()) || !UUID.test(claims.sub)) return null;
  if (claims.sid !== undefined && !UUID.test(claims.sid)) return null;
  // The access token's session must still exist (signed out: refused at once), as in the service.
  const [user] = await q(AUTH_USER, [claims.sub, claims.sid ?? null]);
  if (!user?.session_live || user.deleted_at || (user.banned_at && (!user.banned_until || user.banned_until > new Date()))) return null;
  return user;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function decodeCursor(cursor) {
  const k = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  return { t: new Date(k.t).toISOString(), id: k.id, s: k.s };
}

const COUNT = /^\/api\/articles\/([^/]+)\/comments\/count$/;
const COMMENTS = /^\/api\/articles\/([^/]+)\/comments$/;
const ARTICLE_PATH = /^\/api\/articles\/([^/]+)$/;
const DECISION = /^\/api\/admin\/comments\/([^/]+)$/;
const REACTION = /^\/api\/comments\/([^/]+)\/reactions\/mine$/;

async function handle(req, res) {
  const qi = req.url.indexOf('?');
  const path = qi < 0 ? req.url : req.url.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : req.url.slice(qi + 1));
  let m;
  if (req.method === 'GET') {
    if ((m = COUNT.exec(path))) {
      const [row] = SLUG.test(m[1]) ? await q(COUNT_ONE, [m[1]]) : [];
      return row ? sendCacheable(req, res, JSON.stringify({ slug: m[1], count: row.c }), COUNT_CACHE) : fail(res, 404, 'ARTICLE_NOT_FOUND');
    }
    if (path === '/api/comments/counts') {
      const slugs = [
        ...new Set(
          (params.get('articles') ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (slugs.length < 1 || slugs.length > 100 || slugs.some((s) => s.length > 120)) return fail(res, 400, 'VALIDATION_FAILED');
      const found = new Map((await q(COUNT_MANY, [slugs])).map((r) => [r.slug, r.c]));
      const counts = Object.create(null);
      const unknown = [];
      for (const s of slugs) {
        const c = found.get(s);
        counts[s] = c ?? 0;
        if (c === undefined) unknown.push(s);
      }
      return sendCacheable(req, res, JSON.stringify({ counts, unknown }), COUNT_CACHE);
    }
    if (path === '/api/articles') {
      const limit = Number(params.get('limit') ?? 20);
      const key = params.has('cursor') ? decodeCursor(params.get('cursor')) : FIRST_PAGE_KEY.desc;
      return sendCacheable(req, res, pageJson((await q(ARTICLE_PAGE, [key.t, key.id, limit]))[0]), PAGE_CACHE);
    }
    if ((m = COMMENTS.exec(path))) {
      const user = await authUser(req);
      const sort = SORTS[params.get('sort') ?? 'oldest'];
      if (!sort) return fail(res, 400, 'VALIDATION_FAILED');
      const scored = sort === 'top' || sort === 'replies';
      const key = params.has('cursor') ? decodeCursor(params.get('cursor')) : FIRST_PAGE_KEY[sort === 'asc' ? 'asc' : 'desc'];
      const values = [m[1], key.t, key.id, Number(params.get('limit') ?? 20)];
      if (scored) values.push(key.s ?? FIRST_PAGE_SCORE);
      if (user) values.push(user.id);
      const [row] = await q(commentPageStatement({ scope: 'article', sort, signedIn: user !== null, featured: false }), values);
      return row.found ? sendCacheable(req, res, pageJson(row), PAGE_CACHE, user !== null) : fail(res, 404, 'ARTICLE_NOT_FOUND');
    }
    if ((m = ARTICLE_PATH.exec(path))) {
      const [row] = SLUG.test(m[1]) ? await q(ARTICLE, [m[1]]) : [];
      return row ? sendCacheable(req, res, row.json, PAGE_CACHE) : fail(res, 404, 'ARTICLE_NOT_FOUND');
    }
  }
  if (req.method === 'POST' && path === '/api/auth/login') {
    const body = await readBody(req);
    const [user] = await q(
      {
        name: 'floor:login',
        text: `SELECT id, email, username, display_name, role::text AS role, created_at, password_hash, banned_at, banned_until, ban_reason, deleted_at FROM users WHERE username_normalized = $1 LIMIT 1`,
      },
      [String(body.login).trim().toLowerCase()],
    );
    const ok = user ? await argon2Verify(user.password_hash, String(body.password)).catch(() => false) : false;
    if (!ok || user.deleted_at) return fail(res, 401, 'INVALID_CREDENTIALS');
    const refreshToken = randomBytes(32).toString('base64url');
    const sid = randomUUID(); // the session: the refresh-token family, named in the access token
    await q(
      {
        name: 'floor:refresh',
        text: `INSERT INTO refresh_tokens (id, user_id, family_id, family_started_at, token_hash, expires_at, created_at) VALUES (gen_random_uuid(), $1, $4, now(), $2, $3, now())`,
      },
      [user.id, createHash('sha256').update(refreshToken).digest('hex'), new Date(Date.now() + 30 * 86_400_000), sid],
    );
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt({ sub: user.id, typ: 'access', iat: now, exp: now + 900, sid });
    // A banned account signs in too; its user view says so (the service's toSelfUserView).
    const banned = user.banned_at && (!user.banned_until || user.banned_until > new Date());
    const ban = banned ? { until: user.banned_until?.toISOString() ?? null, reason: user.ban_reason } : null;
    const self = {
      id: user.id,
      email: user.email,
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      createdAt: user.created_at.toISOString(),
      ban,
    };
    return send(res, 200, JSON.stringify({ user: self, accessToken, refreshToken, expiresIn: 900 }), { 'cache-control': 'no-store' });
  }
  if (req.method === 'POST' && (m = COMMENTS.exec(path))) {
    const user = await authUser(req);
    if (!user) return fail(res, 401, 'UNAUTHENTICATED');
    const body = await readBody(req);
    const text = typeof body.body === 'string' ? body.body.trim() : '';
    if (!text || text.length > 5000) return fail(res, 400, 'VALIDATION_FAILED');
    const [ctx] = await q(POST_CONTEXT, [SLUG.test(m[1]) ? m[1] : null, user.id, null, null, 0, 0]);
    if (!ctx.article_id) return fail(res, 404, 'ARTICLE_NOT_FOUND');
    if (!ctx.comments_open) return fail(res, 403, 'COMMENTS_CLOSED');
    const status = ctx.moderation_mode === 'post' ? 'approved' : 'pending';
    const outcome = await insertComment(
      pool,
      { articleId: ctx.article_id, authorId: user.id, parentId: null, rootId: null, depth: 0, body: text, status, statusReason: null },
      {
        duplicateWindowSeconds: 60,
        audit: status === 'approved' ? { action: 'auto_approve', actorId: null, reason: 'post-moderated article' } : null,
      },
    );
    if (outcome.kind === 'duplicate') return fail(res, 409, 'DUPLICATE_COMMENT');
    if (outcome.kind === 'gone') return fail(res, 401, 'INVALID_TOKEN');
    const view = outcome.kind === 'created' ? outcome.comment.view : outcome.view;
    return send(res, 201, `{"comment":${view}}`, { location: `/api/comments/${JSON.parse(view).id}`, 'cache-control': 'no-store' });
  }
  if (req.method === 'PATCH' && (m = DECISION.exec(path))) {
    const user = await authUser(req);
    if (!user) return fail(res, 401, 'UNAUTHENTICATED');
    if (user.role !== 'moderator' && user.role !== 'admin') return fail(res, 403, 'FORBIDDEN');
    const body = await readBody(req);
    if (!UUID.test(m[1]) || !['approved', 'rejected', 'spam'].includes(body.status)) return fail(res, 400, 'VALIDATION_FAILED');
    const action = { approved: 'approve', rejected: 'reject', spam: 'spam' }[body.status];
    const outcome = await decideComment(pool, m[1], body.status, {
      reason: body.reason ?? null,
      expectedVersion: body.version,
      audit: { action, actorId: user.id, reason: body.reason ?? null },
    });
    if (!outcome.current) return fail(res, 404, 'COMMENT_NOT_FOUND');
    if (!outcome.decided) return fail(res, 409, 'CONFLICT');
    const view = toAdminCommentView(outcome.decided);
    return send(res, 200, JSON.stringify({ comment: view }), { 'cache-control': 'no-store' });
  }
  if (req.method === 'PUT' && (m = REACTION.exec(path))) {
    const user = await authUser(req);
    if (!user) return fail(res, 401, 'UNAUTHENTICATED');
    const body = await readBody(req);
    if (!UUID.test(m[1]) || typeof body.kind !== 'string') return fail(res, 400, 'VALIDATION_FAILED');
    if (!REACTION_KINDS.includes(body.kind)) return fail(res, 400, 'INVALID_REACTION');
    const outcome = await react(pool, m[1], user.id, body.kind);
    if (outcome.kind === 'not-found') return fail(res, 404, 'COMMENT_NOT_FOUND');
    if (outcome.kind === 'own') return fail(res, 403, 'CANNOT_REACT_OWN_COMMENT');
    const reaction = { commentId: m[1], reactions: outcome.reactions, myReaction: outcome.mine };
    // CORS' `Vary: Origin`, which the service sends on every answer without a cache policy of its own.
    return send(res, 200, JSON.stringify({ reaction }), { vary: 'Origin', 'cache-control': 'no-store' });
  }
  if (req.method === 'GET' && path === '/api/health') return send(res, 200, '{"status":"ok"}');
  fail(res, 404, 'ROUTE_NOT_FOUND');
}

let logged = 0;
const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    // A few on stderr (bench/run.mjs shows them): a floor that fails is a broken comparison, not a fast one.
    if (logged++ < 3) console.error(`[floor] ${req.method} ${req.url}:`, err);
    fail(res, 503, 'SERVICE_UNAVAILABLE');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});

process.on('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
