import { readFileSync } from 'node:fs';
import http from 'node:http';
import { ERROR_CATALOG, isErrorCode } from '../../../src/common/errors/error-codes.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { checkResponse, contractDocument, takeContractViolations } from '../../helpers/contract.js';
import { scratchDatabase } from '../../helpers/db.js';
import { bearer, createUser, type TestUser } from '../../factories/index.js';

/**
 * Contract fuzzer: walks every operation of the generated OpenAPI document and sends each a bounded, seeded set of
 * requests built from its schemas and examples — valid ones, and hostile ones (wrong types, missing and extra
 * fields, out-of-range numbers, over-long and poisoned strings, junk path parameters, bad percent-encoding, repeated
 * and array query parameters, odd cursors, invalid JSON, wrong content types, bodies just over BODY_LIMIT_BYTES) —
 * as anonymous, reader, moderator and admin. Every answer must be < 500, every 4xx the standard error body with a
 * catalog code, no body may leak a stack, Prisma or SQL, and the contract check (helpers/contract.ts) must find
 * nothing undocumented. FUZZ_SEED replays a run; FUZZ_ROUNDS multiplies the requests per operation and role.
 * Runs on its own database: it creates word filters, articles and users that must not leak into other specs.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261130) >>> 0;
const ROUNDS = Math.max(1, Number(process.env.FUZZ_ROUNDS ?? 1));
const PER_OPERATION = 12 * ROUNDS; // requests per operation and role (valid ones included)
const CONCURRENCY = 3; // per role; the four roles run at once
const BODY_LIMIT = 16_384; // BODY_LIMIT_BYTES for this app, so "just over" stays cheap
/**
 * Time allowed per request sent: about seven times what one takes on an idle 2-core machine (≈ 7 ms with 12 in
 * flight), so a machine several times slower still passes, while a request that hangs (10 s each) still fails.
 */
const BUDGET_PER_REQUEST_MS = 50;
const ROLES: Role[] = ['anonymous', 'reader', 'moderator', 'admin'];

/**
 * The operations, grouped by path: one test per group, so each test's work (and time budget) is bounded. A new
 * route lands in a group or fails the test that checks that every operation is fuzzed.
 */
const GROUPS = [
  { name: 'auth, health, docs and client configuration', paths: /^\/api\/(?:auth|health|docs|client-config|setup)\b/ },
  { name: 'articles and comments', paths: /^\/api\/(?:articles|comments)\b/ },
  { name: 'own data, notices and decisions', paths: /^\/api\/(?:me|notices|decisions)\b/ },
  { name: 'links in mails', paths: /^\/api\/email\b/ },
  { name: 'admin: users, articles, comments, queue, audit log', paths: /^\/api\/admin\/(?:users|articles|comments|queue|audit-log)\b/ },
  {
    name: 'admin: notices, appeals, transparency, word filters, triage rules, decision reasons, staff events, imports, export',
    paths: /^\/api\/admin\/(?:notices|appeals|transparency|word-filters|triage-rules|decision-reasons|events|imports|export)\b/,
  },
  { name: 'admin: webhooks', paths: /^\/api\/admin\/webhooks\b/ },
];
type Group = (typeof GROUPS)[number];
const groupOf = (template: string): Group | undefined => GROUPS.find((g) => g.paths.test(template));

/**
 * A group's budget, from the committed OpenAPI document (contract.e2e-spec.ts keeps it equal to the app's): its
 * operations × roles × PER_OPERATION requests, plus a fixed part for the checks after the fuzz.
 */
function budgetMs(group: Group): number {
  const doc = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const ops = Object.entries(doc.paths)
    .filter(([template]) => groupOf(template) === group)
    .flatMap(([, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)));
  return 10_000 + ops.length * ROLES.length * PER_OPERATION * BUDGET_PER_REQUEST_MS;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: Json[];
  example?: Json;
  default?: Json;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  template: string;
  parameters: Parameter[];
  body?: { schema: Schema; example?: Json };
  secured: boolean;
}
type Role = 'anonymous' | 'reader' | 'moderator' | 'admin';
interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}
interface Finding {
  role: Role;
  case: Case;
  problem: string;
}

/** mulberry32: small, seedable, good enough to pick cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return { next, int, pick, shuffle };
}
type Rng = ReturnType<typeof rng>;

// Strings that break naive code: NUL, lone surrogates, bidi overrides, zero-width and BOM, prototype keys, SQL-ish.
const POISON = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\u202egnp.exe',
  'ab\u200b\u200c\u200dcd\ufeff',
  '\u2066\u2067\u2069',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  '%00',
  'ℌ𝔢𝔩𝔩𝔬 👩‍👩‍👧',
  ' ',
  '',
] as const;
const BAD_IDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
  '123',
  '%zz',
  '%E0%A4%A',
  '%00',
  '..',
  '__proto__',
  'constructor',
  '%E2%80%AE',
  'a'.repeat(300),
  '1e309',
  '-1',
];
const BAD_SLUGS = [
  'UPPER-Case',
  'sl%C3%BCg',
  '%zz',
  '%00',
  '..',
  '__proto__',
  'constructor',
  'a'.repeat(300),
  '%E2%80%8B',
  '-',
  'a--b',
  '%2F',
];
// Dates a validator accepts but a database or Date may not: outside PostgreSQL's and JS's ranges, impossible days.
const EDGE_DATES = [
  '9999-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-11-30',
  '2026-11-30T24:00:00Z',
  '1970-01-01T00:00:00+14:00',
  '2026-11-30T10:00:00.123456789Z',
  '20261130T100000Z',
];
const EDGE_URLS = [
  'javascript:alert(1)',
  'http://[::1]:1/',
  'http://0x7f.1/',
  'https://exa mple.test/',
  'http://user:pass@example.test/',
  'https://пример.бг/',
  'https://example.test/#frag',
  'http://example.test:99999/',
  'http:///nohost',
  'https://' + 'a'.repeat(250) + '.test/',
  'file:///etc/passwd',
  'https://example.test/\u0000',
];
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const CURSORS = [
  '!!!!',
  '====',
  'x',
  b64('garbage'),
  b64('{"a":1}'),
  b64('[1,2,3]'),
  b64('null'),
  b64('{"id":"not-a-uuid","createdAt":"yesterday"}'),
  b64('{"__proto__":{"x":1}}'),
  b64('{"k":[1e309]}'),
  b64('\u0000'),
  'a'.repeat(600),
];

// Made-up ids come from the seed too, so a replay sends the same requests (fixtures' ids are the database's).
const idRng = rng(SEED ^ 0x5eed);
const randomUUID = () => {
  const h = Array.from({ length: 32 }, () => idRng.int(16).toString(16));
  h[12] = '4';
  h[16] = '89ab'[idRng.int(4)]!;
  const x = h.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

let t: TestApp;
let db: { url: string; drop(): Promise<void> };
let port: number;
let operations: Operation[];
let components: Record<string, Schema>;
const users = {} as Record<Exclude<Role, 'anonymous'>, TestUser>;
// Real resources, so valid requests reach the services. Deleting operations get their own copy (`…ToDelete`):
// erasing, deleting or removing the shared one would turn every later request on it into a 404.
const fixtures = {
  slug: '',
  commentId: '',
  commentToDelete: '',
  victimId: '',
  userToErase: '',
  wordFilterId: '',
  wordFilterToDelete: '',
  decisionId: '',
  appealId: '',
  noticeId: '',
  webhookId: '',
  webhookToDelete: '',
  deliveryId: '',
};
/** Body and query fields that name a resource: the fixture instead of the example's made-up id. */
const byName = (name: string): Json | undefined =>
  ({
    commentId: fixtures.commentId,
    parentId: fixtures.commentId,
    rootId: fixtures.commentId,
    ids: [fixtures.commentId],
    articles: fixtures.slug,
    article: fixtures.slug,
  })[name];

function resolve(s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(components[s.$ref.split('/').pop()!]);
  if (s.allOf)
    return s.allOf.map(resolve).reduce<Schema>(
      (a, b) => ({
        ...a,
        ...b,
        properties: { ...a.properties, ...b.properties },
        required: [...(a.required ?? []), ...(b.required ?? [])],
      }),
      { ...s, allOf: undefined },
    );
  if (s.oneOf ?? s.anyOf) return resolve((s.oneOf ?? s.anyOf)![0]);
  return s;
}

/** A value the schema accepts: its example, else its first enum value, else one built from the type. */
function valid(raw: Schema | undefined, depth = 0): Json {
  const s = resolve(raw);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0]!;
  if (s.default !== undefined) return s.default;
  switch (s.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) if (depth < 4) out[k] = valid(v, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => valid(s.items, depth + 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return new Date().toISOString().slice(0, 10);
      if (s.format === 'email') return 'fuzz@example.test';
      if (s.format === 'uri') return 'https://www.example.test/';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
}

/** Values the schema refuses (or that stress it): named for the report. */
function invalid(raw: Schema, r: Rng): [string, Json][] {
  const s = resolve(raw);
  const out: [string, Json][] = [
    ['null', null],
    ['object', { x: 1 }],
    ['array of itself', [valid(s)]],
    ['poison string', r.pick(POISON)],
  ];
  if (s.type === 'integer' || s.type === 'number') {
    out.push(
      ['string', 'abc'],
      ['float', 1.5],
      ['below minimum', (s.minimum ?? 0) - 1],
      ['above maximum', (s.maximum ?? 2 ** 31) + 1],
      // PostgreSQL's integer ends at 2^31-1: one past it, and numbers JSON parses as (huge) integers.
      ['int4 max + 1', 2 ** 31],
      ['2^53', 2 ** 53],
      ['1e21', 1e21],
      ['1e308', 1e308],
      ['-2^63', -9223372036854775808],
      ['numeric string', '7'],
    );
  } else if (s.type === 'boolean') {
    out.push(['string "true"', 'true'], ['number 1', 1]);
  } else if (s.type === 'array') {
    out.push(
      ['scalar', 'x'],
      ['empty array', []],
      ['too many items', Array.from({ length: (s.maxItems ?? 100) + 1 }, () => valid(s.items))],
      ['wrong items', [r.pick([1, true, null, { a: 1 }])]],
    );
  } else if (s.type === 'object') {
    out.push(
      ['scalar', 1],
      ['__proto__ key', JSON.parse('{"__proto__":{"polluted":true}}') as Json],
      ['constructor key', { constructor: { prototype: { polluted: true } } }],
    );
  } else {
    out.push(
      ['number', 42],
      ['boolean', true],
      ['over maxLength', 'é'.repeat((s.maxLength ?? 10_000) + 1)],
      ['poison string', r.pick(POISON)],
      ['RTL + zero-width', `\u202e${String(valid(s))}\u200b`],
      ['NUL inside', `${String(valid(s))}\u0000`],
    );
    if (s.minLength) out.push(['under minLength', 'x'.repeat(s.minLength - 1)]);
    if (s.format === 'uuid')
      out.push(
        ['malformed uuid', 'not-a-uuid'],
        ['unknown uuid', randomUUID()],
        ['nil uuid', '00000000-0000-0000-0000-000000000000'],
        ['upper-case uuid', randomUUID().toUpperCase()],
      );
    if (s.format === 'date-time') for (const d of EDGE_DATES) out.push([`date ${d}`, d]);
    if (s.format === 'email')
      out.push(
        ['email with NUL', 'a\u0000@example.test'],
        ['very long email', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.test`],
        ['unicode email', 'иван@пример.бг'],
        ['email quoted local', '"a b"@example.test'],
      );
    if (s.format === 'uri') for (const u of EDGE_URLS) out.push([`url ${u.slice(0, 30)}`, u]);
    if (s.enum) out.push(['not in enum', 'NOT_A_VALUE'], ['enum in upper case', String(s.enum[0]).toUpperCase()]);
  }
  return out;
}

/** Percent-encodes like encodeURIComponent, but a lone surrogate becomes its (invalid) 3-byte UTF-8 form, %ED%A0%80. */
const pct = (s: string) =>
  s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^]/g, (ch) => {
    if (ch.length === 2 || !/[\ud800-\udfff]/.test(ch)) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
const enc = (v: Json) => pct(typeof v === 'string' ? v : JSON.stringify(v));

function pathValue(op: Operation, name: string): string {
  const t = op.template;
  const del = op.method === 'DELETE';
  if (name === 'slug') return fixtures.slug;
  if (name === 'appealId') return fixtures.appealId;
  if (name === 'deliveryId') return fixtures.deliveryId;
  if (t.startsWith('/api/admin/users/')) return del && t === '/api/admin/users/{userId}' ? fixtures.userToErase : fixtures.victimId;
  if (t.startsWith('/api/comments/') || t.startsWith('/api/admin/comments/'))
    return del && t === '/api/comments/{commentId}' ? fixtures.commentToDelete : fixtures.commentId;
  if (t.startsWith('/api/admin/word-filters/')) return del ? fixtures.wordFilterToDelete : fixtures.wordFilterId;
  if (t.startsWith('/api/admin/webhooks/'))
    return del && t === '/api/admin/webhooks/{webhookId}' ? fixtures.webhookToDelete : fixtures.webhookId;
  if (t.startsWith('/api/decisions/')) return fixtures.decisionId;
  if (t.startsWith('/api/admin/appeals/')) return fixtures.appealId;
  if (t.includes('/notices/')) return fixtures.noticeId;
  return randomUUID();
}

/** The operation's example body with the fixtures' ids in place of the example's. */
function exampleBody(op: Operation): Json | undefined {
  if (!op.body) return undefined;
  const body = structuredClone(op.body.example ?? valid(op.body.schema));
  if (body && typeof body === 'object' && !Array.isArray(body)) for (const k of Object.keys(body)) body[k] = byName(k) ?? body[k]!;
  return body;
}

/** Every request this operation gets (before the per-operation cap): valid first, then the mutations. */
function casesFor(op: Operation, r: Rng): Case[] {
  const paramValues = Object.fromEntries(
    op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, encodeURIComponent(pathValue(op, p.name))]),
  );
  const buildPath = (over: Record<string, string> = {}) => op.template.replace(/\{(\w+)\}/g, (_, n: string) => over[n] ?? paramValues[n]!);
  const validQuery = op.parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${p.name}=${enc(byName(p.name) ?? valid(p.schema))}`);
  const qs = (parts: string[]) => (parts.length ? `?${parts.join('&')}` : '');
  const validBody = exampleBody(op);
  const json = (body: unknown, name: string, extra: Partial<Case> = {}): Case => ({
    name,
    method: op.method,
    path: buildPath() + qs(validQuery),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...extra,
  });
  // The valid body (if the operation takes one) with other path, query or headers.
  const plain = (name: string, path: string, headers: Record<string, string> = {}): Case => ({
    name,
    method: op.method,
    path,
    headers: op.body ? { 'content-type': 'application/json', ...headers } : headers,
    body: op.body ? JSON.stringify(validBody) : undefined,
  });

  const must: Case[] = [];
  const rest: Case[] = [];
  // Valid: example (or generated) body, and with every optional query parameter set from its schema.
  must.push(plain('valid request', buildPath() + qs(validQuery)));
  const optional = op.parameters.filter((p) => p.in === 'query' && !p.required && p.name !== 'cursor');
  if (optional.length)
    must.push(
      plain(
        'valid, all query parameters',
        buildPath() + qs([...validQuery, ...optional.map((p) => `${p.name}=${enc(byName(p.name) ?? valid(p.schema))}`)]),
      ),
    );

  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const bad = p.name === 'slug' ? BAD_SLUGS : BAD_IDS;
    for (const v of bad) rest.push(plain(`path ${p.name}=${v.slice(0, 40)}`, buildPath({ [p.name]: v })));
    rest.push(plain(`path ${p.name} unknown`, buildPath({ [p.name]: p.name === 'slug' ? 'no-such-article-fuzz' : randomUUID() })));
    rest.push(plain(`path ${p.name} poison`, buildPath({ [p.name]: pct(r.pick(POISON)) || 'x' })));
  }
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    const others = validQuery.filter((q) => !q.startsWith(`${p.name}=`));
    const variants: [string, string][] = invalid(p.schema, r).map(([n, v]) => [n, `${p.name}=${enc(v)}`]);
    variants.push(
      ['repeated', `${p.name}=${enc(valid(p.schema))}&${p.name}=${enc(valid(p.schema))}`],
      ['array brackets', `${p.name}[]=1&${p.name}[]=2`],
      ['object brackets', `${p.name}[a]=1`],
      ['empty', `${p.name}=`],
      ['no value', p.name],
      ['bad percent-encoding', `${p.name}=%E0%A4%A`],
      ['%zz', `${p.name}=%zz`],
    );
    if (p.name === 'cursor') for (const c of CURSORS) variants.push([`cursor ${c.slice(0, 30)}`, `cursor=${c}`]);
    if (p.name === 'articles')
      variants.push(
        ['101 slugs', `articles=${Array.from({ length: 101 }, (_, i) => `s-${i}`).join(',')}`],
        ['empty slugs', 'articles=,,,'],
        ['bad slugs', `articles=${BAD_SLUGS.slice(0, 4).join(',')}`],
      );
    for (const [n, q] of variants) rest.push(plain(`query ${p.name}: ${n}`, buildPath() + qs([...others, q])));
    if (p.required) rest.push(plain(`query ${p.name} missing`, buildPath() + qs(others)));
  }
  rest.push(plain('unknown query parameters', buildPath() + qs([...validQuery, '__proto__[x]=1', 'constructor[prototype][y]=2', 'zz=1'])));
  for (const p of op.parameters.filter((x) => x.in === 'header')) {
    for (const v of ['', ' ', 'x'.repeat(300), '\u00ff\u00fe', '-1', 'not-a-number', '__proto__'])
      rest.push(plain(`header ${p.name}: ${v.slice(0, 20)}`, buildPath() + qs(validQuery), { [p.name]: v }));
  }
  // Request headers any client may send: content negotiation, conditional requests, encodings, proxies.
  const HEADERS: Record<string, string>[] = [
    { accept: 'application/xml' },
    { accept: 'text/html;q=1, */*;q=0' },
    { 'accept-encoding': 'gzip, br' },
    { 'if-none-match': '*' },
    { 'if-none-match': 'W/"garbage", "' },
    { 'if-modified-since': 'not a date' },
    { 'if-match': '"x"' },
    { range: 'bytes=0-1' },
    { 'x-forwarded-for': 'garbage, ::ffff:999.1.1.1' },
    { origin: 'null' },
    { 'accept-language': '\u00ff'.repeat(50) },
    { authorization: 'Bearer' },
    { authorization: `Bearer ${'a'.repeat(4000)}` },
  ];
  for (const h of HEADERS) rest.push(plain(`header ${JSON.stringify(h).slice(0, 40)}`, buildPath() + qs(validQuery), h));
  rest.push({ ...plain('a method the path does not have', buildPath() + qs(validQuery)), method: 'PUT' });
  if (op.body) {
    rest.push({ ...plain('content-encoding gzip on a plain body', buildPath() + qs(validQuery), { 'content-encoding': 'gzip' }) });
    rest.push({ ...plain('content-encoding unknown', buildPath() + qs(validQuery), { 'content-encoding': 'x-fuzz' }) });
  }
  rest.push(plain('malformed bearer', buildPath() + qs(validQuery), { authorization: 'Bearer not.a.jwt' }));
  rest.push(plain('basic auth', buildPath() + qs(validQuery), { authorization: 'Basic Zm9vOmJhcg==' }));

  if (op.body) {
    const s = resolve(op.body.schema);
    const obj = validBody && typeof validBody === 'object' && !Array.isArray(validBody) ? (validBody as Record<string, Json>) : {};
    for (const [k, ps] of Object.entries(s.properties ?? {})) {
      for (const [n, v] of invalid(ps, r)) rest.push(json({ ...obj, [k]: v }, `body ${k}: ${n}`));
      // One level down: the fields of a nested object (a statement of reasons, a notice) or of an array's first item.
      const inner = resolve(ps);
      const item = inner.type === 'array' ? resolve(inner.items) : inner;
      if (item.type !== 'object' || !item.properties) continue;
      const current = obj[k] ?? valid(ps);
      const base = (Array.isArray(current) ? current[0] : current) ?? valid(item);
      if (!base || typeof base !== 'object' || Array.isArray(base)) continue;
      for (const [k2, ps2] of Object.entries(item.properties)) {
        for (const [n, v] of invalid(ps2, r)) {
          const changed = { ...base, [k2]: v };
          rest.push(json({ ...obj, [k]: inner.type === 'array' ? [changed] : changed }, `body ${k}.${k2}: ${n}`));
        }
        const { [k2]: _, ...without } = base;
        rest.push(json({ ...obj, [k]: inner.type === 'array' ? [without] : without }, `body ${k} without ${k2}`));
      }
    }
    for (const k of s.required ?? []) {
      const { [k]: _, ...without } = obj;
      rest.push(json(without, `body without required ${k}`));
    }
    if (!s.required?.length) must.push(json({}, 'valid, empty object'));
    rest.push(
      json({ ...obj, extraProperty: 1 }, 'body extra property'),
      { ...json(null, 'body __proto__ key'), body: JSON.stringify(obj).replace(/^\{/, '{"__proto__":{"role":"admin","polluted":1},') },
      json({ ...obj, constructor: { prototype: { polluted: 1 } } }, 'body constructor key'),
      json([obj], 'body is an array'),
      json(null, 'body is null'),
      json('string', 'body is a string'),
      json(42, 'body is a number'),
      { ...json(null, 'invalid JSON'), body: '{"a":' },
      { ...json(null, 'JSON with a trailing comma'), body: `${JSON.stringify(obj).slice(0, -1)},}` },
      { ...json(null, 'duplicate keys'), body: JSON.stringify(obj).replace(/^\{/, '{"x":1,"x":2,') },
      { ...json(null, 'empty body'), body: '' },
      { ...json(obj, 'wrong content-type text/plain'), headers: { 'content-type': 'text/plain' } },
      { ...json(obj, 'form content-type'), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { ...json(obj, 'no content-type'), headers: {} },
      { ...json(obj, 'json with charset latin1'), headers: { 'content-type': 'application/json; charset=latin1' } },
      {
        ...json(null, 'body just over BODY_LIMIT_BYTES'),
        body: JSON.stringify({ ...obj, pad: 'x'.repeat(BODY_LIMIT) }).slice(0, BODY_LIMIT + 1),
      },
      {
        ...json(null, 'body of lone surrogates (escaped)'),
        body: JSON.stringify(obj).replace(/"([^"]*)"(?=\s*[,}])/, '"\\ud800\\udbff$1"'),
      },
    );
  } else if (op.method !== 'GET') {
    rest.push({ ...plain('unexpected JSON body', buildPath() + qs(validQuery), { 'content-type': 'application/json' }), body: '{"x":1}' });
    rest.push({ ...plain('unexpected text body', buildPath() + qs(validQuery), { 'content-type': 'text/plain' }), body: 'hello' });
  }
  return [...must, ...r.shuffle(rest)];
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(c: Case, token?: string): Promise<RawResponse> {
  const headers: Record<string, string | number> = { ...c.headers };
  if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
  if (c.body !== undefined) headers['content-length'] = Buffer.byteLength(c.body);
  return new Promise((resolvePromise, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent: false }, (res) => {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end(c.body);
  });
}

const LEAK =
  /\bat [\w.<>]+ \(|\.(?:ts|js):\d+:\d+|node_modules|prisma|\bP[12]\d{3}\b|\bSELECT\b|\bINSERT INTO\b|\bUPDATE "|\bDELETE FROM\b|invalid input syntax|violates [\w ]*constraint|syntax error at|\bpg_\w+|\b22P02\b|\b23505\b/i;

/** What is wrong with one answer (empty: nothing). */
function judge(res: RawResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (LEAK.test(res.text)) problems.push(`body leaks internals: ${res.text.slice(0, 200)}`);
  if (res.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return [...problems, `error body is not JSON: ${res.text.slice(0, 120)}`];
    }
    const keys = body && typeof body === 'object' ? Object.keys(body) : [];
    const error = (body as { error?: Record<string, unknown> }).error;
    if (keys.length !== 1 || keys[0] !== 'error' || !error || typeof error !== 'object')
      problems.push(`not { error }: ${res.text.slice(0, 120)}`);
    else {
      if (!isErrorCode(error.code)) problems.push(`code ${String(error.code)} is not in the catalog`);
      else if (ERROR_CATALOG[error.code].status !== res.status)
        problems.push(`code ${error.code} is a ${ERROR_CATALOG[error.code].status}, answered ${res.status}`);
      if (typeof error.message !== 'string') problems.push('error.message is not a string');
      if (error.details !== undefined && !Array.isArray(error.details)) problems.push('error.details is not an array');
      const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
      if (extra.length) problems.push(`error has extra keys ${extra.join(', ')}`);
    }
  }
  return problems;
}

// Account exports are load-shed by design (at most 2 at once per process, then 503 SERVICE_UNAVAILABLE with
// Retry-After): the fuzz sends them one at a time, so a 503 from them is still a finding.
const SHED = /^\/api\/(?:me|admin\/users\/[^/]+)\/export(?:\?|$)/;
let shedQueue: Promise<unknown> = Promise.resolve();
function shed<T>(fn: () => Promise<T>): Promise<T> {
  const run = shedQueue.then(fn, fn);
  shedQueue = run.catch(() => undefined);
  return run;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

/** Sends every role the cases of `ops` (PER_OPERATION each), the roles at once; returns what was wrong. */
async function fuzz(ops: Operation[], salt: number): Promise<{ sent: number; findings: Finding[]; ms: number }> {
  const findings: Finding[] = [];
  const inFlight = new Set<Case>();
  const flight = new Map<Case, Role>();
  let sent = 0;
  const started = Date.now();
  await Promise.all(
    ROLES.map(async (role, ri) => {
      const r = rng(SEED + ri * 7919 + salt * 104_729);
      const batch = ops.flatMap((op) => casesFor(op, r).slice(0, PER_OPERATION));
      const token = role === 'anonymous' ? undefined : users[role].token;
      await pool(batch, CONCURRENCY, async (c) => {
        let res: RawResponse;
        inFlight.add(c);
        flight.set(c, role);
        try {
          res = await (SHED.test(c.path) ? shed(() => send(c, token)) : send(c, token));
        } catch (e) {
          findings.push({ role, case: c, problem: `no answer: ${(e as Error).message}` });
          return;
        } finally {
          inFlight.delete(c);
        }
        sent++;
        if (process.env.FUZZ_DEBUG)
          console.log(`DBG ${role} ${c.method} ${c.path.slice(0, 100)} [${c.name}] ${res.status} ${res.text.slice(0, 150)}`);
        for (const p of judge(res)) findings.push({ role, case: c, problem: `${res.status}: ${p}` });
        // The check records a violation as the server answers; with requests in flight, it names the request by
        // method and path, which finds the case that caused it.
        for (const v of takeContractViolations()) {
          const cause = [c, ...inFlight].find((x) => v.startsWith(`${x.method} ${x.path.split('?')[0]} →`)) ?? c;
          findings.push({ role: flight.get(cause) ?? role, case: cause, problem: `contract: ${v}` });
        }
      });
    }),
  );
  // Afterwards the service still works for everyone (no leaked export slot, pool connection or lock).
  for (const role of ROLES) {
    const after: Case = {
      name: 'after the fuzz',
      method: 'GET',
      path: role === 'anonymous' ? `/api/articles/${fixtures.slug}/comments` : '/api/me/export',
      headers: {},
    };
    const res = await send(after, role === 'anonymous' ? undefined : users[role].token);
    if (res.status !== 200) findings.push({ role, case: after, problem: `${res.status}: ${res.text.slice(0, 200)}` });
  }
  return { sent, findings, ms: Date.now() - started };
}

beforeAll(async () => {
  db = await scratchDatabase('newsroom_fuzz', { migrated: true });
  t = await startTestApp({
    DATABASE_URL: db.url,
    BODY_LIMIT_BYTES: String(BODY_LIMIT),
    WEBHOOK_WORKER: 'false',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.getHttpServer().address() as { port: number }).port;
  const doc = contractDocument(t.app) as unknown as {
    paths: Record<
      string,
      Record<
        string,
        { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema; example?: Json }> }; security?: unknown[] }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  components = doc.components.schemas;
  operations = Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({
        method: m.toUpperCase(),
        template,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content['application/json'],
        secured: (op.security ?? []).length > 0,
      })),
  );
  const [reader, moderator, admin, victim, erasable] = await Promise.all([
    createUser(t),
    createUser(t, { role: 'moderator' }),
    createUser(t, { role: 'admin' }),
    createUser(t),
    createUser(t),
  ]);
  Object.assign(users, { reader: reader!, moderator: moderator!, admin: admin! });
  fixtures.victimId = victim!.id;
  fixtures.userToErase = erasable!.id;
  const call = async (
    method: 'post' | 'patch',
    path: string,
    who: TestUser | undefined,
    body: object | undefined,
    key: string,
  ): Promise<string> => {
    // An operation without a request body refuses one.
    const req = body === undefined ? t.http[method](path) : t.http[method](path).send(body);
    if (who) void req.set('Authorization', bearer(who));
    const res = await req;
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return (res.body as Record<string, { id: string; slug: string }>)[key]!.id;
  };
  // An article of its own: the fuzz closes comments on it, changes its moderation mode, and so on.
  await call(
    'post',
    '/api/admin/articles',
    admin,
    { title: 'Fuzz article', slug: 'fuzz-article', blocks: [{ type: 'paragraph', text: 'Body.' }] },
    'article',
  );
  fixtures.slug = 'fuzz-article';
  const comment = (body: string) => call('post', `/api/articles/${fixtures.slug}/comments`, reader, { body }, 'comment');
  [fixtures.commentId, fixtures.commentToDelete] = await Promise.all([comment('A comment to fuzz.'), comment('A comment to delete.')]);
  const rejected = await comment('A comment to reject.');
  await call('patch', `/api/admin/comments/${fixtures.commentId}`, moderator, { status: 'approved' }, 'adminComment');
  await call('patch', `/api/admin/comments/${rejected}`, moderator, { status: 'rejected', reason: 'Insult' }, 'adminComment');
  const decisions = await t.http.get('/api/me/decisions').set('Authorization', bearer(reader!));
  fixtures.decisionId = (decisions.body as { items: { id: string }[] }).items[0]!.id;
  fixtures.appealId = await call(
    'post',
    `/api/decisions/${fixtures.decisionId}/appeals`,
    reader,
    { explanation: 'I only quoted the article.' },
    'appeal',
  );
  fixtures.noticeId = await call(
    'post',
    '/api/notices',
    undefined,
    { ...(exampleBody(operations.find((o) => o.template === '/api/notices')!) as object) },
    'notice',
  );
  fixtures.wordFilterId = await call('post', '/api/admin/word-filters', admin, { word: 'fuzzword', kind: 'suspect' }, 'filter');
  fixtures.wordFilterToDelete = await call('post', '/api/admin/word-filters', admin, { word: 'fuzzgone', kind: 'suspect' }, 'filter');
  const hook = { url: 'http://127.0.0.1:9/hook', events: ['comment.approved'] };
  fixtures.webhookId = await call('post', '/api/admin/webhooks', admin, hook, 'webhook');
  fixtures.webhookToDelete = await call('post', '/api/admin/webhooks', admin, hook, 'webhook');
  fixtures.deliveryId = await call('post', `/api/admin/webhooks/${fixtures.webhookId}/test`, admin, undefined, 'delivery');
  takeContractViolations();
});

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('contract fuzz: every operation of the OpenAPI document', () => {
  it('should fail a test on an undocumented answer (the contract check reports it)', () => {
    expect(
      checkResponse(
        'GET',
        '/api/health/live',
        418,
        { 'content-type': 'application/json' },
        Buffer.from('{"error":{"code":"TEAPOT","message":"x"}}'),
      ),
    ).not.toEqual([]);
    expect(judge({ status: 500, headers: {}, text: '{"error":{"code":"INTERNAL_ERROR","message":"x"}}' })).not.toEqual([]);
    expect(
      judge({
        status: 400,
        headers: {},
        text: '{"error":{"code":"VALIDATION_FAILED","message":"Invalid `prisma.comment.findMany()` invocation"}}',
      }),
    ).not.toEqual([]);
  });

  it('should fuzz every operation in exactly one group', () => {
    const unassigned = operations.filter((op) => groupOf(op.template) === undefined).map((op) => `${op.method} ${op.template}`);
    expect(unassigned, 'add them to GROUPS').toEqual([]);
    expect(GROUPS.every((g) => operations.some((op) => groupOf(op.template) === g))).toBe(true);
  });

  // One test per group of operations, each with a time budget for its number of requests (BUDGET_PER_REQUEST_MS
  // each) rather than one wall-clock budget for the whole fuzz: a loaded machine slows every request alike.
  for (const group of GROUPS) {
    it(
      `should answer every generated request to ${group.name} < 500, with catalog errors and only documented answers`,
      async () => {
        const ops = operations.filter((op) => groupOf(op.template) === group);
        const { sent, findings, ms } = await fuzz(ops, GROUPS.indexOf(group));
        console.log(
          `contract fuzz, ${group.name}: FUZZ_SEED=${SEED} FUZZ_ROUNDS=${ROUNDS}, ${sent} requests in ${ms} ms, ${findings.length} findings`,
        );
        const report = findings.map(
          (f) =>
            `[${f.role}] ${f.case.method} ${f.case.path.slice(0, 160)} (${f.case.name}) body=${String(f.case.body ?? '').slice(0, 160)}\n    → ${f.problem.slice(0, 600)}`,
        );
        expect(report, `replay with FUZZ_SEED=${SEED} FUZZ_ROUNDS=${ROUNDS}`).toEqual([]);
      },
      budgetMs(group),
    );
  }
});
