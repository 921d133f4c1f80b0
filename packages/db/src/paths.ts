import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The repository root: `prisma/` (schema and migrations) and the default `.data/` live there. */
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export const defaultPrismaDir = join(repoRoot, "prisma");

export type SchemaLocation = {
  /** The schema file, e.g. `<repo>/prisma/schema.prisma`. */
  schemaPath: string;
  /** The folder of `<timestamp>_<name>/migration.sql` folders and `migration_lock.toml`. */
  migrationsDir: string;
};

export function locateSchema(prismaDir: string = defaultPrismaDir): SchemaLocation {
  return { schemaPath: join(prismaDir, "schema.prisma"), migrationsDir: join(prismaDir, "migrations") };
}

/** GoChat's data directory on one machine (the broker's log, the embedded database, the token secret). */
export const defaultDataDir = join(repoRoot, ".data");

/** Where the embedded database lives inside a data directory; `memory://` stays a throw-away database. */
export function pgliteDirIn(dataDir: string): string {
  return dataDir.startsWith("memory://") ? dataDir : join(dataDir, "pglite");
}

export const defaultPgliteDir = pgliteDirIn(defaultDataDir);
