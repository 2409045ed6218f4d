import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/start-process.js';

/**
 * The Compose stack, checked statically (no Docker engine needed, so CI checks it on every run): docker-compose.yml,
 * docker/proxy/Caddyfile, the Dockerfile and .env.example must agree on services, health checks, start order, ports,
 * limits, hardening and variables. The stack for real (build, two replicas behind the proxy, the walkthrough, data
 * kept across `down`/`up`) is a manual step where an engine exists: `npm run compose:check`
 * (test/manual/compose-stack.manual-spec.ts).
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  init?: boolean;
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string; timeout?: string; retries?: number };
  ports?: string[];
  volumes?: string[];
  mem_limit?: string;
  pids_limit?: number;
  stop_grace_period?: string;
}

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const composeText = read('docker-compose.yml');
// `merge`: the file shares blocks with YAML anchors and `<<:` merge keys.
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const caddyfile = read('docker/proxy/Caddyfile');
const dockerfile = read('Dockerfile');
const envExample = read('.env.example');

/** Caddyfile lines without comments and blank lines. */
const caddyLines = caddyfile
  .split('\n')
  .map((l) => l.replace(/#.*$/, '').trim())
  .filter(Boolean);
const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);

describe('docker-compose.yml', () => {
  it('should define the database, Redis, the one-shot migration, the API and the proxy, and no version key', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'db', 'migrate', 'proxy', 'redis']);
    expect(parse(composeText)).not.toHaveProperty('version');
    expect(Object.keys(compose.volumes ?? {})).toEqual(['pgdata']);
    expect(services.db!.volumes).toContain('pgdata:/var/lib/postgresql');
  });

  it('should give every long-running service a health check, and the migration none', () => {
    expect(services.db!.healthcheck!.test!.join(' ')).toMatch(/pg_isready -h 127\.0\.0\.1/);
    expect(services.redis!.healthcheck!.test!.join(' ')).toMatch(/redis-cli ping/);
    expect(services.proxy!.healthcheck!.test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/api/health/live']);
    // The API's check is the image's own HEALTHCHECK (the image has no shell); Compose only sets its timing.
    expect(services.api!.healthcheck!.test).toBeUndefined();
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/api\/health/m);
    expect(services.migrate!.healthcheck).toEqual({ disable: true });
    for (const name of ['db', 'redis', 'api', 'proxy']) {
      const hc = services[name]!.healthcheck!;
      expect(hc.interval, name).toMatch(/^\d+s$/);
      expect(hc.timeout, name).toMatch(/^\d+s$/);
      expect(hc.retries, name).toBeGreaterThan(0);
    }
  });

  it('should start each service only once what it needs is healthy or done, with a condition on every dependency', () => {
    const conditions = Object.fromEntries(
      Object.entries(services).map(([name, s]) => {
        expect(Array.isArray(s.depends_on), `${name}: depends_on as a list has no conditions`).toBe(false);
        return [
          name,
          Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([dep, d]) => [dep, (d as { condition?: string }).condition])),
        ];
      }),
    );
    expect(conditions).toEqual({
      db: {},
      redis: {},
      migrate: { db: 'service_healthy' },
      api: { migrate: 'service_completed_successfully', db: 'service_healthy', redis: 'service_healthy' },
      proxy: { api: 'service_healthy' },
    });
  });

  it('should publish only the proxy, on 127.0.0.1 unless API_BIND says otherwise, and never PostgreSQL', () => {
    for (const name of ['db', 'redis', 'migrate', 'api']) expect(services[name]!.ports, name).toBeUndefined();
    expect(services.proxy!.ports).toEqual(['${API_BIND:-127.0.0.1}:${API_PORT:-3000}:8080']);
    expect(composeText).not.toMatch(/:5432["']?\s*$/m);
  });

  it('should limit memory and processes, drop capabilities and forbid privilege escalation for every service', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.mem_limit, name).toMatch(/^\d+m$/);
      expect(s.pids_limit, name).toBeGreaterThan(0);
      expect(s.init, name).toBe(true);
      expect(s.security_opt, name).toEqual(['no-new-privileges:true']);
      expect(s.logging, name).toEqual({ driver: 'json-file', options: { 'max-size': expect.any(String), 'max-file': expect.any(String) } });
      if (name !== 'db') {
        // The PostgreSQL image needs its capabilities to switch to its own user; everything else runs without.
        expect(s.cap_drop, name).toEqual(['ALL']);
        expect(s.read_only, name).toBe(true);
      }
    }
    expect(services.redis!.user).toBe('65534:65534');
    expect(services.proxy!.user).toBe('65534:65534');
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('should restart the long-running services and run the migration once', () => {
    for (const name of ['db', 'redis', 'api', 'proxy']) expect(services[name]!.restart, name).toBe('unless-stopped');
    expect(services.migrate!.restart).toBe('no');
    expect(services.migrate!.command).toEqual(['node', '--enable-source-maps', 'dist/database/migrate.cli.js']);
    // The API only checks that no migration is pending: it connects as the role without schema rights.
    expect(services.api!.environment).toMatchObject({ MIGRATE_ON_START: 'false', DB_USER: '${DB_APP_USER:-newsroom_app}' });
    expect(services.migrate!.environment).toMatchObject({
      DB_USER: '${DB_OWNER_USER:-newsroom_owner}',
      MIGRATE_GRANT_TO: '${DB_APP_USER:-newsroom_app}',
    });
  });

  it('should refuse to start without each secret instead of running with an empty one', () => {
    for (const secret of ['POSTGRES_PASSWORD', 'DB_OWNER_PASSWORD', 'DB_APP_PASSWORD', 'JWT_SECRET', 'REDIS_PASSWORD']) {
      const uses = [...composeText.matchAll(new RegExp(`\\$\\{${secret}(\\W[^}]*)?\\}`, 'g'))].map((m) => m[1] ?? '');
      expect(uses.length, secret).toBeGreaterThan(0);
      for (const use of uses) expect(use, `${secret} must use :? (required)`).toMatch(/^:\?/);
    }
  });

  it('should document in .env.example every variable docker-compose.yml reads', () => {
    const read = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const documented = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect([...read].filter((v) => !documented.has(v)).sort()).toEqual([]);
  });

  it('should pass every setting of the service an operator may change through to the api replicas', () => {
    // The settings table of docs/operations.md ("Read by the service") is the list; these few are fixed by the stack.
    const fixedByTheStack: Record<string, string> = {
      NODE_ENV: 'always production',
      HOST: 'the image listens on every interface',
      PORT: 'the image listens on 8080; API_PORT publishes the proxy',
      DATABASE_URL: 'the stack connects with DB_HOST and its parts (any character in a password)',
      MIGRATE_ON_START: 'the migrate service applies migrations; the API only checks',
      MIGRATE_GRANT_TO: 'read by the migrate service',
      EMBEDDED_PG_DIR: 'the stack has its own PostgreSQL',
      EMBEDDED_PG_PORT: 'the stack has its own PostgreSQL',
      REDIS_URL: 'the stack has its own Redis',
    };
    const operations = read('docs/operations.md');
    const start = operations.indexOf('### Read by the service');
    const table = operations.slice(start, operations.indexOf('\n### ', start + 5));
    const settings = [
      ...new Set([...table.matchAll(/^\| (.*?) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!))),
    ];
    expect(settings.length).toBeGreaterThan(50);
    const api = services.api!.environment as Record<string, string>;
    const missing = settings.filter((name) => !(name in api) && !(name in fixedByTheStack));
    expect(missing, 'add them to x-api-env in docker-compose.yml (and .env.example)').toEqual([]);
  });

  it('should mount the files it names from the repository', () => {
    expect(services.proxy!.volumes).toEqual(['./docker/proxy/Caddyfile:/etc/caddy/Caddyfile:ro']);
    expect(services.db!.volumes).toContain('./docker/db-init:/docker-entrypoint-initdb.d:ro');
    // The PostgreSQL image runs executable *.sh files and sources the others: either works, the file must exist.
    accessSync(join(repoRoot, 'docker/db-init/10-roles.sh'), constants.R_OK);
  });
});

describe('docker/proxy/Caddyfile', () => {
  it('should listen on 8080, the port the proxy publishes and checks, without admin API or automatic HTTPS', () => {
    expect(caddyLines).toEqual(expect.arrayContaining(['admin off', 'auto_https off', ':8080 {']));
  });

  it('should send every request, /api included, to every replica of the api service on its port', () => {
    // One reverse_proxy for the whole site, no matcher in front of it (so /api/… and everything else reach the API).
    const proxies = caddyLines.filter((l) => l.startsWith('reverse_proxy'));
    expect(proxies).toEqual(['reverse_proxy {']);
    expect(caddyLines.some((l) => /^(handle|route|handle_path|respond|redir|rewrite|uri)\b/.test(l))).toBe(false);
    // The upstreams: DNS A records of the Compose service `api`, on the port the API image listens on.
    expect(caddyLines).toContain('dynamic a api 3000 {');
    expect(dockerfile).toMatch(/PORT=3000/);
    expect(caddyLines).toContain('lb_policy round_robin');
  });

  it('should stream Server-Sent Events unbuffered and forward the client address for TRUST_PROXY=1', () => {
    expect(caddyLines).toContain('flush_interval -1');
    // No trusted_proxies: Caddy replaces X-Forwarded-For with the address it sees, one hop, as the API is told.
    expect(caddyLines.some((l) => l.startsWith('trusted_proxies'))).toBe(false);
    expect(services.api!.environment!.TRUST_PROXY).toBe('${TRUST_PROXY:-1}');
  });

  it('should finish open requests within the time Compose gives the proxy to stop', () => {
    const grace = caddyLines.find((l) => l.startsWith('grace_period'));
    expect(grace).toBeDefined();
    expect(seconds(grace!.split(/\s+/)[1]!)).toBeLessThan(seconds(services.proxy!.stop_grace_period!));
  });
});
