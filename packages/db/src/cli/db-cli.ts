import { parseArgs } from "node:util";
import { openPglite } from "../embedded/open-pglite";
import { readDbEnv } from "../env";
import {
  createMigration,
  deployMigrations,
  markMigrationApplied,
  markMigrationRolledBack,
  readMigrationStatus,
  resetDatabase,
  type MigrateOptions,
} from "../migrate/migrations";
import { describeTarget, type MigrationTarget } from "../migrate/migration-target";
import { defaultDataDir, locateSchema, pgliteDirIn } from "../paths";

const USAGE = `Usage: db-cli <command> [options]
  migrate --name <name> [--create-only]   create a migration from schema changes and apply it
  deploy                                  apply pending migrations
  reset [--force]                         drop everything and re-apply all migrations (development only;
                                          PostgreSQL needs --force)
  status                                  compare the database's migration history with the folder
  resolve --rolled-back <name> | --applied <name>
Options: --prisma-dir <dir> (default <repo>/prisma), --verbose (print the schema engine's log)
Target: DATABASE_URL (PostgreSQL) or, when unset, PGlite in GOCHAT_DATA_DIR/pglite (default ${pgliteDirIn(defaultDataDir)}).`;

async function withTarget<T>(work: (target: MigrationTarget) => Promise<T>): Promise<T> {
  const env = readDbEnv();
  if (env.DATABASE_URL) return work({ kind: "postgres", url: env.DATABASE_URL });
  const owned = await openPglite(pgliteDirIn(env.GOCHAT_DATA_DIR ?? defaultDataDir));
  try {
    return await work({ kind: "pglite", db: owned.db });
  } finally {
    await owned.close();
  }
}

function printList(title: string, names: readonly string[]): void {
  console.log(
    names.length === 0 ? `${title}: none` : `${title}:\n${names.map((name) => `  - ${name}`).join("\n")}`,
  );
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      "create-only": { type: "boolean" },
      "prisma-dir": { type: "string" },
      "rolled-back": { type: "string" },
      applied: { type: "string" },
      verbose: { type: "boolean" },
      force: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  const command = positionals[0];
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return;
  }
  const options: MigrateOptions = {
    location: locateSchema(values["prisma-dir"]),
    log:
      values.verbose === true
        ? (line) => {
            console.error(line);
          }
        : undefined,
  };
  await withTarget(async (target) => {
    console.log(`Target: ${describeTarget(target)}`);
    switch (command) {
      case "migrate": {
        if (!values.name) throw new Error("migrate needs --name <name>");
        const result = await createMigration(target, values.name, {
          ...options,
          createOnly: values["create-only"],
        });
        console.log(
          result.migrationFile ? `Created ${result.migrationFile}` : "Already in sync: no migration created.",
        );
        printList("Applied", result.applied);
        return;
      }
      case "deploy":
        printList("Applied", await deployMigrations(target, options));
        return;
      case "reset":
        // A DATABASE_URL may point anywhere, production included: wiping it must be asked for explicitly.
        if (target.kind === "postgres" && values.force !== true) {
          throw new Error(
            `reset deletes all data in ${describeTarget(target)}; re-run with --force to proceed.`,
          );
        }
        printList("Reset; applied", await resetDatabase(target, options));
        return;
      case "status": {
        const status = await readMigrationStatus(target, options);
        console.log(JSON.stringify(status, null, 2));
        if (status.failedMigrationNames.length > 0 || status.history !== null) process.exitCode = 1;
        return;
      }
      case "resolve":
        if (values["rolled-back"]) {
          await markMigrationRolledBack(target, values["rolled-back"], options);
          console.log(`Marked ${values["rolled-back"]} as rolled back.`);
        } else if (values.applied) {
          await markMigrationApplied(target, values.applied, options);
          console.log(`Marked ${values.applied} as applied.`);
        } else {
          throw new Error("resolve needs --rolled-back <name> or --applied <name>");
        }
        return;
      default:
        throw new Error(`Unknown command "${command}".\n${USAGE}`);
    }
  });
}

// The WASM engine leaves a timer behind, so the process exits explicitly.
run(process.argv.slice(2)).then(
  () => process.exit(),
  (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    console.error(
      `${typeof code === "string" ? `${code} ` : ""}${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
