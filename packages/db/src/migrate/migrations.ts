import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
} from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaLocation } from "../paths";
import { noFilters, readMigrationList, writeMigration } from "./migration-files";
import { MigrationError, withSchemaEngine, type MigrationTarget } from "./migration-target";
import type { EngineLog, SchemaEngine } from "./schema-engine";

export type MigrateOptions = { location: SchemaLocation; log?: EngineLog | undefined };

/**
 * Applies pending migrations. The WASM engine reports a failing script without an error code, so the
 * failure is reported the way the CLI reports it: P3018, naming the migration and the database error.
 */
async function applyPending(engine: SchemaEngine, migrationsList: MigrationList): Promise<string[]> {
  try {
    return (await engine.applyMigrations({ migrationsList, filters: noFilters })).appliedMigrationNames;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const migration = /migration_name="([^"]+)"/.exec(message)?.[1];
    if (!migration) throw error;
    const databaseError = message.split("\n   0: ")[0]?.replace(/^external connector error\n/, "") ?? message;
    throw new MigrationError(
      `P3018: migration ${migration} failed to apply; new migrations cannot be applied before it is resolved.\n` +
        `Database error: ${databaseError}\n` +
        `Fix the database, then run \`npm run db:resolve -- --rolled-back ${migration}\` and deploy again.`,
      "P3018",
      { cause: error },
    );
  }
}

/**
 * Applies every pending migration, like `prisma migrate deploy`. A migration recorded as failed blocks
 * all further deploys (Prisma's P3009) until it is marked rolled back or applied.
 */
export async function deployMigrations(target: MigrationTarget, options: MigrateOptions): Promise<string[]> {
  const { location } = options;
  if (target.kind === "pglite" && (await isRecordedAsApplied(target.db, location.migrationsDir))) return [];
  return withSchemaEngine(
    target,
    location.schemaPath,
    async (engine) => {
      const migrationsList = await readMigrationList(location.migrationsDir);
      const history = await engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters: noFilters,
      });
      assertNoFailedMigrations(history);
      return applyPending(engine, migrationsList);
    },
    options.log,
  );
}

/**
 * Whether deploying has nothing to do: every migration folder is recorded in `_prisma_migrations` as
 * finished, with the checksum of the script as it is now (Prisma's: SHA-256 of migration.sql), no other
 * migration is recorded, and none failed. Then im-repo's start skips loading the schema engine, a WASM
 * module of several megabytes that took 300 ms of a restart. Anything else, a row this does not expect
 * included, is left to the engine, which decides and reports as `prisma migrate deploy` does.
 */
export async function isRecordedAsApplied(db: PGlite, migrationsDir: string): Promise<boolean> {
  const { rows: table } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present",
  );
  if (table[0]?.present !== true) return false;
  const { rows } = await db.query<{ name: string; checksum: string; finished: boolean; rolledBack: boolean }>(
    `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS "rolledBack"
       FROM _prisma_migrations`,
  );
  const recorded = new Map<string, string>();
  for (const row of rows) {
    if (row.rolledBack) continue;
    if (!row.finished || recorded.has(row.name)) return false;
    recorded.set(row.name, row.checksum);
  }
  const { migrationDirectories } = await readMigrationList(migrationsDir);
  if (migrationDirectories.length !== recorded.size) return false;
  return migrationDirectories.every(({ path, migrationFile }) => {
    const content = migrationFile.content;
    return (
      content.tag === "ok" && recorded.get(path) === createHash("sha256").update(content.value).digest("hex")
    );
  });
}

function assertNoFailedMigrations(history: DiagnoseMigrationHistoryOutput): void {
  if (history.failedMigrationNames.length === 0) return;
  const names = history.failedMigrationNames.join(", ");
  throw new MigrationError(
    `P3009: found failed migrations in the target database (${names}); new migrations will not be applied. ` +
      `Fix the database, then mark each one with \`npm run db:resolve -- --rolled-back <name>\` ` +
      `(or --applied <name> if it was completed by hand).`,
    "P3009",
  );
}

export type CreateMigrationResult = {
  /** The new migration's folder name, or null when the schema matches the migrations already. */
  migrationName: string | null;
  migrationFile: string | null;
  applied: string[];
};

/**
 * Generates a migration from the schema, like `prisma migrate dev --name`: applies pending migrations,
 * diffs the schema against the migration history replayed in a shadow database, writes the new
 * migration folder and (unless createOnly) applies it.
 */
export async function createMigration(
  target: MigrationTarget,
  name: string,
  options: MigrateOptions & { createOnly?: boolean },
): Promise<CreateMigrationResult> {
  const { location } = options;
  return withSchemaEngine(
    target,
    location.schemaPath,
    async (engine) => {
      let migrationsList = await readMigrationList(location.migrationsDir);
      const { action } = await engine.devDiagnostic({ migrationsList, filters: noFilters });
      if (action.tag === "reset") {
        throw new MigrationError(
          `The database has drifted from the migration history and must be reset: ${action.reason}\n` +
            `Run \`npm run db:reset\` (this deletes all data in the development database).`,
          "P3006",
        );
      }
      const applied = await applyPending(engine, migrationsList);
      // The WASM engine cannot open a shadow database on its own; the diagnostic replays the history into
      // one through our adapter and caches the result, but only once the database is up to date.
      if (applied.length > 0) await engine.devDiagnostic({ migrationsList, filters: noFilters });
      const schema = await readFile(location.schemaPath, "utf8");
      const schemaFiles = { files: [{ path: location.schemaPath, content: schema }] };
      const dataLoss = await engine.evaluateDataLoss({
        migrationsList,
        schema: schemaFiles,
        filters: noFilters,
      });
      if (dataLoss.unexecutableSteps.length > 0) {
        throw new MigrationError(
          `The migration cannot be executed on this database:\n` +
            dataLoss.unexecutableSteps.map((step) => `  - ${step.message}`).join("\n"),
          "P3006",
        );
      }
      for (const warning of dataLoss.warnings) options.log?.(`warning: ${warning.message}`);
      const output = await engine.createMigration({
        draft: options.createOnly === true,
        migrationName: name,
        migrationsList,
        schema: schemaFiles,
        filters: noFilters,
      });
      if (output.migrationScript === null) return { migrationName: null, migrationFile: null, applied };
      const file = await writeMigration(
        location.migrationsDir,
        output.generatedMigrationName,
        output.migrationScript,
        output.extension,
      );
      if (options.createOnly !== true) {
        migrationsList = await readMigrationList(location.migrationsDir);
        applied.push(...(await applyPending(engine, migrationsList)));
      }
      return { migrationName: output.generatedMigrationName, migrationFile: file, applied };
    },
    options.log,
  );
}

/** Drops everything in the database and re-applies all migrations, like `prisma migrate reset`. */
export async function resetDatabase(target: MigrationTarget, options: MigrateOptions): Promise<string[]> {
  const { location } = options;
  return withSchemaEngine(
    target,
    location.schemaPath,
    async (engine) => {
      await engine.reset({ filter: noFilters });
      const migrationsList = await readMigrationList(location.migrationsDir);
      return applyPending(engine, migrationsList);
    },
    options.log,
  );
}

/** Marks a failed migration as rolled back: it stays in `_prisma_migrations` as history and stops blocking. */
export async function markMigrationRolledBack(
  target: MigrationTarget,
  migrationName: string,
  options: MigrateOptions,
): Promise<void> {
  await withSchemaEngine(
    target,
    options.location.schemaPath,
    (engine) => engine.markMigrationRolledBack({ migrationName }),
    options.log,
  );
}

/** Records a migration as applied without running it (it was completed by hand). */
export async function markMigrationApplied(
  target: MigrationTarget,
  migrationName: string,
  options: MigrateOptions,
): Promise<void> {
  const { location } = options;
  await withSchemaEngine(
    target,
    location.schemaPath,
    async (engine) =>
      engine.markMigrationApplied({
        migrationName,
        migrationsList: await readMigrationList(location.migrationsDir),
      }),
    options.log,
  );
}

/** The migration history compared with the folder, like `prisma migrate status`. */
export async function readMigrationStatus(
  target: MigrationTarget,
  options: MigrateOptions,
): Promise<DiagnoseMigrationHistoryOutput> {
  const { location } = options;
  return withSchemaEngine(
    target,
    location.schemaPath,
    async (engine) =>
      engine.diagnoseMigrationHistory({
        migrationsList: await readMigrationList(location.migrationsDir),
        optInToShadowDatabase: false,
        filters: noFilters,
      }),
    options.log,
  );
}
