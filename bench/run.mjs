// `npm run bench`: builds, starts a scratch PostgreSQL, migrates, seeds a realistic data set, starts the
// production build and the raw node:http + pg floor (bench/raw-floor.mjs) as separate processes, and drives both
// with autocannon from a third process, in alternating rounds (floor then service, then service then floor, …),
// so both see the same background load; round by round across the scenarios (every scenario's first round, then
// every scenario's second, …). Scenarios compared with each other (sort=top with sort=newest) are compared round by
// round too. Writes bench/results/latest.md and latest.json.
//
// Env: BENCH_ROUNDS (rounds per server and scenario, default 3), BENCH_DURATION (s per run, 6), BENCH_WARMUP
// (s before each run, 2), BENCH_CONNECTIONS (50), BENCH_TOKENS (signed-in authors, 200), BENCH_SUBSCRIBERS (SSE
// subscribers of the fan-out scenario, 1000), BENCH_FANOUT_ROUNDS (approvals they watch, 40), BENCH_ONLY (e.g.
// "count,article": only these scenario ids), BENCH_SKIP_BUILD=1, BENCH_DATABASE_URL (a server where this user may
// CREATE DATABASE; a scratch database is created and dropped there; default: embedded PostgreSQL in a temp
// folder), BENCH_NODE_ARGS (extra node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
// BENCH_SERVICE_ENV (extra settings for the service, e.g. "LOG_LEVEL=warn"; the report says which).
import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from './lib.mjs';
import {
  BENCH_PASSWORD,
  BENCH_REACTION,
  BIG_READER,
  BIG_SLUG,
  benchSlug,
  benchUsername,
  FIRST_REACTOR,
  listKeyAt,
  pendingCommentIds,
  reactableCommentIds,
  seed,
} from './seed.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(root, 'bench', 'results');
const int = (name, dflt, min = 0) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return v;
};
const cfg = {
  rounds: int('BENCH_ROUNDS', 3, 1),
  duration: int('BENCH_DURATION', 6, 1),
  warmup: int('BENCH_WARMUP', 2),
  connections: int('BENCH_CONNECTIONS', 50, 1),
  tokens: int('BENCH_TOKENS', 200, 1),
  subscribers: int('BENCH_SUBSCRIBERS', 1000, 1),
  fanoutRounds: int('BENCH_FANOUT_ROUNDS', 40, 1),
  data: { users: 10_000, articles: 1_000, comments: 200_000, big: 50_000 },
};
// The signed-in readers (bench_3 …) must not be among the seeded reactors: the react scenario's reactions are all new.
if (3 + cfg.tokens > FIRST_REACTOR) throw new Error(`BENCH_TOKENS must be ≤ ${FIRST_REACTOR - 3}`);
const log = (msg) => console.error(`[bench] ${msg}`);
const cleanups = [];

// ---------------------------------------------------------------------------------------------------------
// /proc sampling: peak RSS and CPU of the measured server, of PostgreSQL, and of processes that are not ours.

const TICK_US = 1e6 / 100; // USER_HZ

function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined; // exited
  }
}

/** CPU ticks, name and parent of every process. */
function processTable() {
  const table = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(d);
    if (s) table.set(Number(d), s);
  }
  return table;
}

/** Pids of rootPid and all its descendants (this benchmark: servers, load generator, embedded PostgreSQL). */
function descendants(table, rootPid) {
  const children = new Map();
  for (const [pid, s] of table) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out = new Set();
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    out.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

const ticksBetween = (before, after, pids) =>
  [...pids].reduce((sum, pid) => sum + (after.get(pid)?.ticks ?? 0) - (before.get(pid)?.ticks ?? 0), 0);

/**
 * The postmaster of the PostgreSQL server a connection is served by, when it runs on this machine (the same /proc):
 * the parent of that connection's backend. BENCH_DATABASE_URL's server is not a child of this benchmark, so without
 * this its CPU was counted as other processes' and PostgreSQL's as 0. Undefined for a remote server.
 */
let postmasterPid;

async function findPostmaster(serverUrl) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT pg_backend_pid() AS pid');
    const backend = procStat(rows[0].pid);
    const parent = backend && procStat(backend.ppid);
    // The same pid on this machine could be another program when the server is remote: both must be PostgreSQL's.
    if (backend?.comm !== 'postgres' || !['postgres', 'postmaster'].includes(parent?.comm)) return undefined;
    return backend.ppid;
  } finally {
    await c.end();
  }
}

/**
 * CPU seconds used in a window by user processes outside this benchmark (other jobs on the machine: the noise
 * indicator), and by the PostgreSQL the benchmark uses (its embedded server, or BENCH_DATABASE_URL's when that
 * runs here: the postmaster and all its processes). Kernel threads are left out; processes that both start and
 * exit inside the window are missed.
 */
function windowCpu(before, after) {
  const ours = descendants(after, process.pid);
  const postgres = new Set([...ours].filter((pid) => after.get(pid)?.comm === 'postgres'));
  if (postmasterPid !== undefined) for (const pid of descendants(after, postmasterPid)) postgres.add(pid);
  let foreign = 0;
  for (const [pid, s] of after) {
    if (ours.has(pid) || postgres.has(pid) || pid === 2 || s.ppid === 2) continue;
    foreign += s.ticks - (before.get(pid)?.ticks ?? 0);
  }
  return { foreignCpuS: foreign / 100, pgCpuUs: ticksBetween(before, after, postgres) * TICK_US };
}

const statusKb = (pid, field) =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** Samples the target's VmRSS every 100 ms and CPU before/after, for one measured window. */
function startWindow(pid) {
  let peakKb = statusKb(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
    } catch {
      /* exited; reported by the caller */
    }
  }, 100);
  const before = processTable();
  return () => {
    clearInterval(timer);
    const after = processTable();
    return { peakRssMb: peakKb / 1024, targetCpuUs: ticksBetween(before, after, [pid]) * TICK_US, ...windowCpu(before, after) };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Processes

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitForHttp(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
}

async function startDatabase() {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let version = 'external, not on this machine: its CPU is not measured';
  if (!serverUrl) {
    serverUrl = await startEmbeddedPostgres('newsroom-bench', cleanups);
    version = 'embedded';
  }
  if (process.env.BENCH_DATABASE_URL) {
    postmasterPid = await findPostmaster(serverUrl);
    if (postmasterPid !== undefined) version = `external, on this machine (postmaster pid ${postmasterPid}): its CPU is measured`;
  }
  const name = `newsroom_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const { rows } = await admin.query('SHOW server_version');
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), version: `PostgreSQL ${rows[0].server_version} (${version})` };
}

const PRODUCTION_NODE_ARGS = ['--enable-source-maps', '--max-old-space-size=160'];

/**
 * The service as production runs it: `start:prod`'s Node flags, NODE_ENV=production and every other setting at
 * its default (log level and format included), except three the load would otherwise trip: rate limits (one client
 * address and 200 accounts make thousands of requests a second), the access-token lifetime (a run outlasts 15
 * minutes) and the live-update streams per client address (the fan-out's subscribers all come from 127.0.0.1).
 */
/** BENCH_SERVICE_ENV: extra settings for the service, "KEY=value KEY=value" (e.g. "LOG_LEVEL=warn"), to measure what a setting costs. */
function serviceEnv() {
  return Object.fromEntries(
    (process.env.BENCH_SERVICE_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

async function startService(databaseUrl, jwtSecret, name = 'service') {
  const port = await freePort();
  const logFile = openSync(join(resultsDir, name === 'service' ? 'server.log' : `${name}.log`), 'w');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Started from bench/results, where no .env lives: a developer's .env in the repository must not change the defaults.
  const child = spawn(process.execPath, [...PRODUCTION_NODE_ARGS, ...nodeArgs, join(root, 'dist', 'main.js')], {
    cwd: resultsDir,
    stdio: ['ignore', logFile, logFile],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      JWT_ACCESS_TTL_SECONDS: '86400',
      RATE_LIMIT_ENABLED: 'false',
      SSE_MAX_STREAMS_PER_IP: String(cfg.subscribers + 10),
      SSE_MAX_STREAMS: String(Math.max(2000, cfg.subscribers + 10)),
      ...serviceEnv(),
    },
  });
  cleanups.push(() => stopProcess(child));
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/health`, child);
  return { name, child, base };
}

/** The service's fixed response headers (security headers), which the floor sends too. */
async function staticHeaders(base) {
  const res = await fetch(`${base}/api/health`);
  const skip = new Set([
    'date',
    'connection',
    'keep-alive',
    'content-length',
    'content-type',
    'x-request-id',
    'etag',
    'cache-control',
    'vary',
    'transfer-encoding',
  ]);
  return Object.fromEntries([...res.headers].filter(([k]) => !skip.has(k)));
}

async function startFloor(databaseUrl, jwtSecret, headers) {
  const port = await freePort();
  // The service's Node flags (start:prod's, and BENCH_NODE_ARGS), not this runner's: the same heap cap and source maps.
  const child = fork(join(root, 'bench', 'raw-floor.mjs'), [], {
    execArgv: [...PRODUCTION_NODE_ARGS, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      JWT_SECRET: jwtSecret,
      STATIC_HEADERS: JSON.stringify(headers),
    },
  });
  cleanups.push(() => stopProcess(child));
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/health`, child);
  return { name: 'floor', child, base };
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

async function login(base, username) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: username, password: BENCH_PASSWORD }),
  });
  const body = await res.json();
  if (res.status !== 200 || typeof body.accessToken !== 'string')
    throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

function runScenario(load, target, scenario) {
  return new Promise((resolve, reject) => {
    let end;
    const onMessage = (msg) => {
      if (msg.type === 'measuring') end = startWindow(target.child.pid);
      else if (msg.type === 'result') {
        load.off('message', onMessage);
        resolve({ ...msg.result, ...end() });
      } else if (msg.type === 'error') {
        load.off('message', onMessage);
        end?.();
        reject(new Error(msg.message));
      }
    };
    load.on('message', onMessage);
    load.send({
      type: 'run',
      scenario: { ...scenario, url: target.base },
      connections: cfg.connections,
      duration: cfg.duration,
      warmup: cfg.warmup,
    });
  });
}

/** A request to the fan-out process; resolves with its answer. */
function ask(child, msg, answer) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== answer && m.type !== 'error') return;
      child.off('message', onMessage);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    child.on('message', onMessage);
    child.send(msg);
  });
}

/**
 * Live-update fan-out (service only; the floor has no streams): BENCH_SUBSCRIBERS streams on one article from a
 * process of their own, then BENCH_FANOUT_ROUNDS approvals one after the other. It runs against a service process
 * of its own, started for it: memory per subscriber is that process's RSS with the streams open minus before, each
 * read after a second of quiet (in a process that has served load for minutes the streams' objects mostly fill
 * heap space already there, and the difference says little).
 */
async function runFanout(databaseUrl, jwtSecret, s) {
  const service = await startService(databaseUrl, jwtSecret, 'fanout-service');
  const child = fork(join(root, 'bench', 'fanout.mjs'), [], { stdio: 'inherit' });
  cleanups.push(() => stopProcess(child));
  const settle = () => new Promise((r) => setTimeout(r, 1_000));
  await settle();
  const rssBeforeMb = statusKb(service.child.pid, 'VmRSS') / 1024;
  const opened = await ask(child, { type: 'open', url: service.base, slug: s.slug, subscribers: cfg.subscribers }, 'opened');
  await settle();
  const rssWithMb = statusKb(service.child.pid, 'VmRSS') / 1024;
  const end = startWindow(service.child.pid);
  const { result } = await ask(
    child,
    {
      type: 'approve',
      url: service.base,
      slug: s.slug,
      token: s.token,
      readerToken: s.readerToken,
      rounds: cfg.fanoutRounds,
      runId: s.runId,
    },
    'result',
  );
  const window = end();
  await stopProcess(child);
  await stopProcess(service.child);
  return {
    ...result,
    openMs: opened.ms,
    rssBeforeMb,
    rssWithMb,
    kbPerSubscriber: ((rssWithMb - rssBeforeMb) * 1024) / result.subscribers,
    ...window,
  };
}

/** Same status and same JSON from both servers, and the same header names: the floor answers what the service answers. */
async function compareAnswers(service, floor, path, headers) {
  const [a, b] = await Promise.all([service, floor].map((t) => fetch(`${t.base}${path}`, { headers })));
  const names = (r) => [...r.headers.keys()].filter((k) => !['date', 'keep-alive', 'connection', 'transfer-encoding'].includes(k)).sort();
  const problems = [];
  if (a.status !== b.status) problems.push(`status ${a.status} vs ${b.status}`);
  if (!isDeepStrictEqual(await a.json(), await b.json())) problems.push('bodies differ');
  if (!isDeepStrictEqual(names(a), names(b))) problems.push(`headers differ: ${names(a).join(',')} vs ${names(b).join(',')}`);
  return problems;
}

/** A write each server answered (on different data): same status, same header names, the same shape of JSON. */
async function compareWrites(service, floor) {
  const [a, b] = await Promise.all([service, floor]);
  const names = (r) => [...r.headers.keys()].filter((k) => !['date', 'keep-alive', 'connection', 'transfer-encoding'].includes(k)).sort();
  const shape = (v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v;
  const problems = [];
  if (a.status !== b.status) problems.push(`status ${a.status} vs ${b.status}`);
  const [ja, jb] = [await a.json(), await b.json()];
  // `reactions` is a map of kinds: its keys depend on the data, not the server.
  const strip = (j) => ({ ...j, reaction: j.reaction && { ...j.reaction, reactions: typeof j.reaction.reactions } });
  if (!isDeepStrictEqual(shape(strip(ja)), shape(strip(jb))))
    problems.push(`bodies differ: ${JSON.stringify(ja)} vs ${JSON.stringify(jb)}`);
  if (!isDeepStrictEqual(names(a), names(b))) problems.push(`headers differ: ${names(a).join(',')} vs ${names(b).join(',')}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Report

const fmt = (n, d = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : undefined;
};
const failures = (r) => r.non2xx + r.errors + r.timeouts;

function summarise(s, runs) {
  const svc = runs.filter((r) => r.server === 'service');
  const flo = runs.filter((r) => r.server === 'floor');
  const ratios = svc.map((r) => r.rps / flo.find((f) => f.round === r.round).rps);
  const perReq = (rs, key) => median(rs.map((r) => r[key] / r.total));
  return {
    id: s.id,
    label: s.label,
    goal: s.goal,
    service: {
      rps: median(svc.map((r) => r.rps)),
      p50: median(svc.map((r) => r.p50)),
      p99: median(svc.map((r) => r.p99)),
      p99Max: Math.max(...svc.map((r) => r.p99)),
      cpuUs: perReq(svc, 'targetCpuUs'),
      pgUs: perReq(svc, 'pgCpuUs'),
      rssMb: Math.max(...svc.map((r) => r.peakRssMb)),
      failures: svc.reduce((n, r) => n + failures(r), 0),
    },
    floor: {
      rps: median(flo.map((r) => r.rps)),
      p99: median(flo.map((r) => r.p99)),
      cpuUs: perReq(flo, 'targetCpuUs'),
      pgUs: perReq(flo, 'pgCpuUs'),
      failures: flo.reduce((n, r) => n + failures(r), 0),
    },
    ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
    /** The service's runs by round: to compare two scenarios round by round (their runs were made close together). */
    rounds: svc.map((r) => ({ round: r.round, rps: r.rps, p50: r.p50, p99: r.p99, cpuUs: (r.targetCpuUs + r.pgCpuUs) / r.total })),
    foreignCpuS: Math.max(...runs.map((r) => r.foreignCpuS)),
  };
}

function fanoutReport(f) {
  if (!f) return [];
  return [
    '',
    `Live updates, fan-out: ${fmt(f.subscribers)} SSE subscribers on one article (one process of their own, on the same cores), ${f.rounds} moderator approvals one after the other; for each, the time from sending the approving request to the moment every subscriber had the \`comment\` event (the approval's own response time, observed by the same busy process, beside it).`,
    '',
    "| scenario | subscribers | approvals | approval sent → last subscriber's event, p50 / p99 ms | → first subscriber's, p50 ms | approval's response, p50 ms | opening all streams s | service RSS before / with them MB | per subscriber KB | other CPU s |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${f.label} | ${fmt(f.subscribers)} | ${f.rounds} | **${fmt(f.lastP50, 1)} / ${fmt(f.lastP99, 1)}** | ${fmt(f.firstP50, 1)} | ${fmt(f.answerP50, 1)} | ${fmt(f.openMs / 1000, 1)} | ${fmt(f.rssBeforeMb)} / ${fmt(f.rssWithMb)} | ${fmt(f.kbPerSubscriber, 1)} | ${fmt(f.foreignCpuS, 1)} |`,
  ];
}

function report(machine, dataset, summaries, hwmMb, answerProblems, fanout) {
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GiB RAM, Linux ${machine.kernel}; Node ${machine.node}; ${machine.pg}.`,
    `Load: autocannon, ${cfg.connections} connections, from a separate process on the same cores as the servers and PostgreSQL; ${cfg.rounds} alternating rounds per server and scenario (floor first in odd rounds, service first in even ones), each ${cfg.warmup} s warm-up + ${cfg.duration} s measured.`,
    `Data: ${fmt(dataset.users)} users, ${fmt(dataset.articles)} articles, ${fmt(dataset.comments)} comments (${Object.entries(
      dataset.by_status,
    )
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(
        ', ',
      )}; ${fmt(dataset.deleted)} deleted; ${fmt(dataset.replies)} replies), of which ${fmt(dataset.big_comments)} on one article (${fmt(dataset.big_approved)} approved and visible); the next hottest article has ${fmt(dataset.hottest)} approved. ${fmt(dataset.reactions)} reactions on the big article's visible comments (${Object.entries(
      dataset.big_reactions ?? {},
    )
      .map(([k, v]) => (k === 'max' ? `at most ${fmt(v)}` : `${k}: ${fmt(v)} comments`))
      .join(', ')}).`,
    `Service: the production build with its production defaults (NODE_ENV=production, default LOG_LEVEL and pool, \`start:prod\` Node flags), rate limits off, a long access-token lifetime and live-update streams per address raised for the fan-out${process.env.BENCH_SERVICE_ENV ? `; changed for this run: ${process.env.BENCH_SERVICE_ENV}` : ''}. Floor: bench/raw-floor.mjs, node:http + pg, the same SQL and the same responses (${answerProblems.length ? `MISMATCHES: ${answerProblems.join('; ')}` : 'checked before measuring: same status, JSON and header names on every read scenario, and same status, header names and JSON shape of a reaction'}).`,
    '',
    '| scenario | service req/s | floor req/s | service ÷ floor, median (min–max) | service p50 / p99 ms | floor p99 ms | CPU µs/req service / floor | PostgreSQL CPU µs/req service / floor | service peak RSS MB | non-2xx service / floor | other CPU s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of summaries) {
    lines.push(
      `| ${x.label} | ${fmt(x.service.rps)} | ${fmt(x.floor.rps)} | **${fmt(x.ratio.median, 2)}** (${fmt(x.ratio.min, 2)}–${fmt(x.ratio.max, 2)}) | ${fmt(x.service.p50)} / ${fmt(x.service.p99)} | ${fmt(x.floor.p99)} | ${fmt(x.service.cpuUs)} / ${fmt(x.floor.cpuUs)} | ${fmt(x.service.pgUs)} / ${fmt(x.floor.pgUs)} | ${fmt(x.service.rssMb)} | ${fmt(x.service.failures)} / ${fmt(x.floor.failures)} | ${fmt(x.foreignCpuS, 1)} |`,
    );
  }
  lines.push(...fanoutReport(fanout));
  const by = Object.fromEntries(summaries.map((x) => [x.id, x]));
  const checks = [];
  for (const x of summaries) {
    const g = x.goal;
    if (g.ratio !== undefined)
      checks.push(
        `- ${x.label}: ${x.ratio.median >= g.ratio ? 'MET' : 'GAP'} ${fmt(x.ratio.median, 2)} × floor (goal ≥ ${fmt(g.ratio, 2)})`,
      );
    if (g.p99 !== undefined)
      checks.push(`- ${x.label}: p99 ${x.service.p99 < g.p99 ? 'MET' : 'GAP'} ${x.service.p99} ms (goal < ${g.p99})`);
    if (g.rps !== undefined)
      checks.push(`- ${x.label}: ${x.service.rps >= g.rps ? 'MET' : 'GAP'} ${fmt(x.service.rps)} req/s (goal ≥ ${fmt(g.rps)})`);
  }
  for (const [top, newest] of [
    ['top-first', 'newest-first'],
    ['top-deep', 'newest-deep'],
  ]) {
    const a = by[top];
    const b = by[newest];
    if (!a || !b) continue;
    // Round by round (the two scenarios' service runs of a round were made seconds apart), then the median.
    const paired = (key) => {
      const rs = a.rounds.map((r) => r[key] / b.rounds.find((x) => x.round === r.round)[key]);
      return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
    };
    const [rps, p50, p99, cpu] = ['rps', 'p50', 'p99', 'cpuUs'].map(paired);
    const range = (x) => `${fmt(x.median, 2)} (${fmt(x.min, 2)}–${fmt(x.max, 2)})`;
    checks.push(
      `- ${a.label} vs ${b.label}, paired by round: ${rps.median >= 1 / 1.5 && p50.median <= 1.5 ? 'MET' : 'GAP'} ${range(rps)} × the req/s, ${range(p50)} × the p50 latency (goal ≥ 0.67 × and ≤ 1.5 ×); p99 ${range(p99)} ×; CPU per request, service + PostgreSQL, ${range(cpu)} × (the cost, least moved by other jobs)`,
    );
  }
  if (by['big-first'] && by['big-deep']) {
    checks.push(
      `- deep page (45,000 in) vs first page of the big article: ${fmt(by['big-deep'].service.rps / by['big-first'].service.rps, 2)} × the first page's throughput (index-bound: ≈ 1)`,
    );
  }
  const peak = Math.max(hwmMb, ...summaries.map((x) => x.service.rssMb));
  checks.push(
    `- service RSS: ${peak < 250 ? 'MET' : 'GAP'} peak ${fmt(peak)} MB over the whole run incl. startup and 50 concurrent logins (goal < 250)`,
  );
  if (fanout)
    checks.push(
      `- fan-out: every one of ${fmt(fanout.subscribers)} subscribers had each approval within ${fmt(fanout.lastMax, 1)} ms of its sending (p99 ${fmt(fanout.lastP99, 1)} ms); ${fmt(fanout.kbPerSubscriber, 1)} KB of service memory per open stream`,
    );
  lines.push('', 'Goals:', ...checks, '');
  lines.push(
    'Latency has whole-millisecond resolution (autocannon): p50 0 means under 1 ms. "other CPU s" is the most CPU any measured window saw',
    "used by processes outside this benchmark (other jobs on the shared cores); above ~1 s the row's absolute numbers are noisy, the ratios",
    'less so (each ratio pairs two runs made back to back). CPU µs/req is the server process alone; PostgreSQL CPU is all of its processes',
    "(the embedded server's, or BENCH_DATABASE_URL's when it runs on this machine; a remote one's is not measured). Both servers run with start:prod's Node flags.",
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building (npm run build)');
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const started = Date.now();
  const db = await startDatabase();
  const { migrate } = await import(join(root, 'dist', 'database', 'migrator.js'));
  await migrate(db.url);
  let t = Date.now();
  const dataset = await seed(db.url, cfg.data);
  log(`seeded in ${((Date.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(dataset)}`);

  const jwtSecret = randomBytes(36).toString('base64url'); // 48 characters
  const service = await startService(db.url, jwtSecret);
  const floor = await startFloor(db.url, jwtSecret, await staticHeaders(service.base));
  const load = fork(join(root, 'bench', 'load.mjs'), [], { stdio: 'inherit' });
  cleanups.push(() => stopProcess(load));

  t = Date.now();
  const tokens = [];
  for (let i = 3; i < 3 + cfg.tokens; i += 8) {
    const batch = Array.from({ length: Math.min(8, 3 + cfg.tokens - i) }, (_, k) => login(service.base, benchUsername(i + k)));
    tokens.push(...(await Promise.all(batch)));
  }
  const moderatorToken = await login(service.base, benchUsername(1));
  const readerToken = tokens[BIG_READER - 3];
  log(`${tokens.length + 1} logins in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const typical = benchSlug(500);
  const listing = Array.from({ length: 50 }, (_, i) => benchSlug(i + 1)).join(',');
  const cursorAt = async (sort) => Buffer.from(JSON.stringify(await listKeyAt(db.url, BIG_SLUG, 45_000, sort))).toString('base64url');
  const deepCursor = await cursorAt('oldest');
  const newestCursor = await cursorAt('newest');
  const topCursor = await cursorAt('top');
  const reactable = await reactableCommentIds(
    db.url,
    Array.from({ length: cfg.tokens }, (_, i) => benchUsername(i + 3)),
  );
  const lorem = [
    'Съгласен съм с автора.',
    'Интересна гледна точка, но липсват източници.',
    'Кога ще има продължение?',
    'This is a longer comment. '.repeat(8),
  ];
  const ids = await pendingCommentIds(db.url, 100_000);
  const READ = { ratio: 0.7, p99: 50 };
  const scenarios = [
    { id: 'count', label: 'GET one count', kind: 'get', path: `/api/articles/${typical}/comments/count`, goal: { ratio: 0.85, p99: 50 } },
    { id: 'counts', label: 'GET 50 counts', kind: 'get', path: `/api/comments/counts?articles=${listing}`, goal: { ratio: 0.85, p99: 50 } },
    { id: 'article', label: 'GET article', kind: 'get', path: `/api/articles/${typical}`, goal: READ },
    { id: 'articles', label: 'GET articles, first page', kind: 'get', path: '/api/articles', goal: { ratio: 0.7 } },
    { id: 'list', label: 'GET comments, first page (typical article)', kind: 'get', path: `/api/articles/${typical}/comments`, goal: READ },
    {
      id: 'big-first',
      label: 'GET comments, first page (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments`,
      goal: READ,
    },
    {
      id: 'big-deep',
      label: 'GET comments, 45,000 deep (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments?cursor=${deepCursor}`,
      goal: { ratio: 0.7 },
    },
    {
      id: 'newest-first',
      label: 'GET comments, newest first, first page (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments?sort=newest`,
      goal: READ,
    },
    {
      id: 'newest-deep',
      label: 'GET comments, newest first, 45,000 deep (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments?sort=newest&cursor=${newestCursor}`,
      goal: { ratio: 0.7 },
    },
    {
      id: 'top-first',
      label: 'GET comments, top (most reactions) first page (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments?sort=top`,
      goal: READ,
    },
    {
      id: 'top-deep',
      label: 'GET comments, top, 45,000 deep (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments?sort=top&cursor=${topCursor}`,
      goal: { ratio: 0.7 },
    },
    {
      id: 'big-signed-in',
      label: 'GET comments, signed-in reader (50k article)',
      kind: 'get',
      path: `/api/articles/${BIG_SLUG}/comments`,
      headers: { authorization: `Bearer ${readerToken}` },
      goal: { ratio: 0.7 },
    },
    {
      id: 'post',
      label: 'POST comment',
      kind: 'post-comment',
      slugs: Array.from({ length: 100 }, (_, i) => benchSlug(i + 1)),
      tokens,
      lorem,
      runId: started.toString(36),
      goal: { rps: 500 },
    },
    {
      id: 'react',
      label: "PUT reaction (a reader's new reaction, 50k article)",
      kind: 'react',
      ids: reactable,
      tokens,
      reaction: BENCH_REACTION,
      goal: { rps: 500 },
    },
    { id: 'decide', label: 'PATCH moderator decision (approve / reject)', kind: 'decide', ids, token: moderatorToken, goal: { rps: 500 } },
    {
      id: 'fanout',
      label: 'SSE fan-out: approval → every subscriber',
      kind: 'fanout',
      slug: benchSlug(7),
      token: moderatorToken,
      readerToken: tokens[tokens.length - 1],
      runId: started.toString(36),
    },
    {
      id: 'login',
      label: 'POST login (argon2id)',
      kind: 'login',
      usernames: Array.from({ length: cfg.tokens }, (_, i) => benchUsername(i + 3)),
      password: BENCH_PASSWORD,
      goal: {},
    },
  ];

  const only = process.env.BENCH_ONLY?.split(',');
  const selected = scenarios.filter((x) => !only || only.includes(x.id));
  const answerProblems = [];
  for (const s of selected.filter((x) => x.kind === 'get')) {
    const problems = await compareAnswers(service, floor, s.path, s.headers);
    if (problems.length) answerProblems.push(`${s.id}: ${problems.join(', ')}`);
  }
  const cursors = {}; // write scenarios walk their data across runs
  const react = selected.find((x) => x.kind === 'react');
  if (react) {
    // The walk's first two pairs, one on each server: same status, header names and body shape.
    const put = (t, g) =>
      fetch(`${t.base}/api/comments/${react.ids[g]}/reactions/mine`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${react.tokens[0]}` },
        body: JSON.stringify({ kind: react.reaction }),
      });
    const problems = await compareWrites(put(service, 0), put(floor, 1));
    cursors.react = 2;
    if (problems.length) answerProblems.push(`react: ${problems.join(', ')}`);
  }
  if (answerProblems.length) log(`floor and service answer differently: ${answerProblems.join('; ')}`);

  const runs = [];
  const summaries = [];
  let fanout;
  // Round by round: every scenario's first round, then every scenario's second, … so a burst of load from other
  // jobs on the machine falls on all scenarios alike, and the rows compared (top with newest) run minutes apart at
  // most, each round's pair a few seconds apart.
  const measured = selected.filter((x) => x.kind !== 'fanout');
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const s of measured) {
      for (const target of round % 2 ? [floor, service] : [service, floor]) {
        log(`${s.label}: round ${round}, ${target.name}`);
        const r = await runScenario(load, target, { ...s, start: cursors[s.id] ?? 0 });
        cursors[s.id] = (cursors[s.id] ?? 0) + (r.used ?? 0);
        runs.push({ scenario: s.id, server: target.name, round, ...r });
      }
    }
  }
  for (const s of measured)
    summaries.push(
      summarise(
        s,
        runs.filter((r) => r.scenario === s.id),
      ),
    );
  for (const s of selected.filter((x) => x.kind === 'fanout')) {
    log(`${s.label}: ${cfg.subscribers} subscribers, ${cfg.fanoutRounds} approvals`);
    fanout = { label: s.label, ...(await runFanout(db.url, jwtSecret, s)) };
  }
  const hwmMb = statusKb(service.child.pid, 'VmHWM') / 1024;
  await stopProcess(floor.child);
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    pg: db.version,
  };
  const md = report(machine, dataset, summaries, hwmMb, answerProblems, fanout);
  const date = new Date().toISOString();
  writeFileSync(join(resultsDir, 'latest.md'), `# Benchmark ${date}\n\n${md}\n`);
  writeFileSync(
    join(resultsDir, 'latest.json'),
    `${JSON.stringify({ date, machine, config: cfg, dataset, serviceVmHwmMb: hwmMb, answerProblems, summaries, fanout, runs }, null, 2)}\n`,
  );
  console.log(`\n${md}\n\nWritten to bench/results/latest.md and latest.json`);
}

async function cleanup() {
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
}

// The CPU accounting, for a quick check without a benchmark run (importing this file runs nothing).
export { findPostmaster, processTable, windowCpu };
export const usePostmaster = (pid) => (postmasterPid = pid);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    await main();
    await cleanup();
  } catch (err) {
    console.error(err);
    await cleanup();
    process.exitCode = 1;
  }
}
