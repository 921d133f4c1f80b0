// The database client and repositories: server code only. package.json maps this entry to
// server-only.ts under the "browser" condition, and this guard covers anything that skips conditions.
if (typeof (globalThis as { window?: unknown }).window !== "undefined") {
  throw new Error("@gochat/db/server is server-only and cannot be loaded in a browser.");
}

export { openDatabase, openDatabaseFromEnv } from "./open-database";
export type { Database, DatabaseKind, OpenDatabaseOptions } from "./open-database";
export { readDbEnv, dbEnvShape } from "./env";
export type { DbEnv } from "./env";
export { PrismaClient, Prisma } from "./generated/prisma/client";
export {
  createMigration,
  deployMigrations,
  markMigrationApplied,
  markMigrationRolledBack,
  readMigrationStatus,
  resetDatabase,
} from "./migrate/migrations";
export { MigrationError } from "./migrate/migration-target";
export type { MigrationTarget } from "./migrate/migration-target";
export { defaultDataDir, locateSchema, pgliteDirIn } from "./paths";
export * from "./repositories/index";
export {
  createPasswordHasher,
  defaultPasswordHasher,
  hashPassword,
  OWASP_SCRYPT_COST,
  verifyPassword,
} from "./auth/password";
export type { PasswordCheck, PasswordHasher, ScryptCost } from "./auth/password";
