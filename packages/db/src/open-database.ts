import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { openPglite } from "./embedded/open-pglite";
import { PgliteStatements } from "./embedded/prepared-statements";
import type { DbEnv } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { deployMigrations } from "./migrate/migrations";
import type { MigrationTarget } from "./migrate/migration-target";
import { defaultPgliteDir, locateSchema, pgliteDirIn, type SchemaLocation } from "./paths";
import { usePreparedStatements } from "./repositories/hot-statements";

export type DatabaseKind = "postgres" | "pglite";

export type Database = {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Where migrations for this database run (used by tests and the seed). */
  target: MigrationTarget;
  /** Migrations applied while opening. */
  appliedMigrations: string[];
  close: () => Promise<void>;
};

export type OpenDatabaseOptions = {
  /** A postgres:// URL; without one the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory (default `<repo>/.data/pglite`); `memory://` for a throw-away one. */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** Apply pending migrations before returning; defaults to true for PGlite, false for PostgreSQL. */
  migrate?: boolean | undefined;
  location?: SchemaLocation | undefined;
};

/**
 * Opens the one database a process uses: PostgreSQL through adapter-pg with a pool when a URL is given,
 * otherwise PGlite on disk, owned by this process and migrated at start so a single machine needs no
 * database server at all. PostgreSQL is migrated by `db:deploy` as a release step instead.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const location = options.location ?? locateSchema();
  if (options.databaseUrl) {
    const target: MigrationTarget = { kind: "postgres", url: options.databaseUrl };
    const appliedMigrations = options.migrate === true ? await deployMigrations(target, { location }) : [];
    const adapter = new PrismaPg({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const prisma = new PrismaClient({ adapter });
    return { prisma, kind: "postgres", target, appliedMigrations, close: () => prisma.$disconnect() };
  }
  const owned = await openPglite(options.dataDir ?? defaultPgliteDir);
  try {
    const target: MigrationTarget = { kind: "pglite", db: owned.db };
    const appliedMigrations = options.migrate === false ? [] : await deployMigrations(target, { location });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(owned.db) });
    usePreparedStatements(prisma, new PgliteStatements(owned.db));
    return {
      prisma,
      kind: "pglite",
      target,
      appliedMigrations,
      async close() {
        await prisma.$disconnect();
        await owned.close();
      },
    };
  } catch (error) {
    await owned.close();
    throw error;
  }
}

/** openDatabase configured from validated environment variables. */
export function openDatabaseFromEnv(
  env: DbEnv,
  options: Omit<OpenDatabaseOptions, "databaseUrl" | "dataDir" | "poolSize"> = {},
): Promise<Database> {
  return openDatabase({
    ...options,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.GOCHAT_DATA_DIR === undefined ? undefined : pgliteDirIn(env.GOCHAT_DATA_DIR),
    poolSize: env.DATABASE_POOL_SIZE,
  });
}
