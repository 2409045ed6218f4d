// Types for scripts/prisma-wasm.mjs (Prisma migrations through @prisma/schema-engine-wasm).

export type PrismaWasmCommand = 'diff' | 'create' | 'check' | 'status' | 'deploy';

export interface DiffResult {
  /** SQL from an empty database to prisma/schema.prisma. */
  sql: string;
}

export interface CreateResult {
  /** Migration directory name, `<UTC yyyymmddHHMMSS>_<name>`. */
  name: string;
  /** Absolute path of the new migration directory. */
  path: string;
  sql: string;
}

export interface CheckResult {
  /** true when prisma/migrations fully covers prisma/schema.prisma. */
  inSync: boolean;
  /** The SQL no migration covers yet ('' when in sync). */
  sql: string;
}

export interface StatusResult {
  editedMigrationNames: string[];
  failedMigrationNames: string[];
  hasMigrationsTable: boolean;
  history:
    | null
    | { diagnostic: 'databaseIsBehind'; unappliedMigrationNames: string[] }
    | { diagnostic: 'migrationsDirectoryIsBehind'; unpersistedMigrationNames: string[] }
    | {
        diagnostic: 'historiesDiverge';
        lastCommonMigrationName: string | null;
        unpersistedMigrationNames: string[];
        unappliedMigrationNames: string[];
      };
}

export interface DeployResult {
  appliedMigrationNames: string[];
}

/**
 * Runs one schema-engine command. `databaseUrl` defaults to `process.env.DATABASE_URL`
 * (`diff` needs none; `create` and `check` create and drop temporary databases on that server).
 * Prints nothing and never sets the exit code; rejects on engine or connection errors.
 */
export function run(command: 'diff', name?: string, databaseUrl?: string): Promise<DiffResult>;
export function run(command: 'create', name: string, databaseUrl?: string): Promise<CreateResult>;
export function run(command: 'check', name?: string, databaseUrl?: string): Promise<CheckResult>;
export function run(command: 'status', name?: string, databaseUrl?: string): Promise<StatusResult>;
export function run(command: 'deploy', name?: string, databaseUrl?: string): Promise<DeployResult>;
