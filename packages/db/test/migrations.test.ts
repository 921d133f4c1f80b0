import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DatabaseKind } from "../src/open-database";
import {
  createMigration,
  deployMigrations,
  isRecordedAsApplied,
  markMigrationRolledBack,
  readMigrationStatus,
} from "../src/migrate/migrations";
import { MigrationError } from "../src/migrate/migration-target";
import { copyPrismaDir, createEmptyTarget, editFile, type EmptyTarget } from "./support/migration-fixtures";
import { listDatabases } from "./support/test-databases";

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe.each<DatabaseKind>(["pglite", "postgres"])("migrations on %s", (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function emptyTarget(): Promise<EmptyTarget> {
    const target = await createEmptyTarget(kind);
    cleanups.push(target.dispose);
    return target;
  }
  async function prismaCopy() {
    const copy = await copyPrismaDir();
    cleanups.push(copy.remove);
    return copy;
  }

  it("creates a migration from a schema change and deploys it elsewhere", async () => {
    const location = await prismaCopy();
    const dev = await emptyTarget();
    const before = await readdir(location.migrationsDir);

    expect((await createMigration(dev.target, "noop", { location })).migrationName).toBeNull();
    // Introspecting a CHECK constraint returns a "char" column (pg_constraint.contype).
    await dev.query(`ALTER TABLE "users" ADD CONSTRAINT "users_username_not_empty" CHECK ("username" <> '')`);
    await editFile(location.schemaPath, (schema) =>
      schema.replace(
        "  bio          String",
        "  nickname     String?  @db.VarChar(40)\n  bio          String",
      ),
    );
    const created = await createMigration(dev.target, "add_nickname", { location });
    expect(created.migrationName).toMatch(/^\d{14}_add_nickname$/);
    expect(created.applied).toContain(created.migrationName);
    const sql = await readFile(created.migrationFile ?? "", "utf8");
    expect(sql).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" VARCHAR(40);');
    expect(await readdir(location.migrationsDir)).toEqual([...before, created.migrationName].sort());

    const prod = await emptyTarget();
    const applied = await deployMigrations(prod.target, { location });
    expect(applied).toEqual([
      ...before.filter((name) => name !== "migration_lock.toml"),
      created.migrationName,
    ]);
    const columns = await prod.query<{ data_type: string }>(
      "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'",
    );
    expect(columns).toEqual([{ data_type: "character varying" }]);
    const rows = await prod.query<MigrationRow>(
      "SELECT * FROM _prisma_migrations WHERE migration_name = $1",
      [created.migrationName],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.checksum).toBe(sha256(sql));
    expect(rows[0]?.finished_at).not.toBeNull();
    expect(rows[0]?.applied_steps_count).toBe(1);
    expect(await deployMigrations(prod.target, { location })).toEqual([]);
    expect((await readMigrationStatus(prod.target, { location })).history).toBeNull();
    if (kind === "postgres") expect(await listDatabases("prisma_migrate_shadow_db_")).toEqual([]);
  }, 180_000);

  it("records a failed migration atomically and blocks deploys until it is rolled back", async () => {
    const location = await prismaCopy();
    const db = await emptyTarget();
    await deployMigrations(db.target, { location });
    const name = "29990101000000_broken";
    const file = join(location.migrationsDir, name, "migration.sql");
    await mkdir(join(location.migrationsDir, name));
    await writeFile(
      file,
      'ALTER TABLE "users" ADD COLUMN "motto" TEXT;\nINSERT INTO "no_such_table" VALUES (1);\n',
    );

    const failure = await deployMigrations(db.target, { location }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).code).toBe("P3018");
    expect((failure as MigrationError).message).toContain("no_such_table");
    const [row] = await db.query<MigrationRow>("SELECT * FROM _prisma_migrations WHERE migration_name = $1", [
      name,
    ]);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toContain("no_such_table");
    const motto = await db.query("SELECT 1 FROM information_schema.columns WHERE column_name = 'motto'");
    expect(motto).toEqual([]);

    const blocked = await deployMigrations(db.target, { location }).catch((error: unknown) => error);
    expect(blocked).toMatchObject({ code: "P3009" });
    expect((await readMigrationStatus(db.target, { location })).failedMigrationNames).toEqual([name]);

    await markMigrationRolledBack(db.target, name, { location });
    // Semicolons inside a literal must survive: the script is sent as one query, not split on ";".
    await writeFile(file, `ALTER TABLE "users" ADD COLUMN "motto" TEXT NOT NULL DEFAULT 'carpe; diem';\n`);
    expect(await deployMigrations(db.target, { location })).toEqual([name]);
    const defaults = await db.query<{ column_default: string }>(
      "SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'motto'",
    );
    expect(defaults[0]?.column_default).toContain("carpe; diem");
    const history = await db.query<MigrationRow>(
      "SELECT * FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at",
      [name],
    );
    expect(history.map((entry) => entry.rolled_back_at !== null)).toEqual([true, false]);
  }, 180_000);
});

describe("migrations generated on either database", () => {
  it("are identical for PGlite and PostgreSQL", async () => {
    const scripts: string[] = [];
    for (const kind of ["pglite", "postgres"] as const) {
      const location = await copyPrismaDir();
      const db = await createEmptyTarget(kind);
      try {
        await editFile(location.schemaPath, (schema) =>
          schema.replace(
            "model Session {",
            'model Device {\n  id String @id\n  label String @default("x;y")\n}\n\nmodel Session {',
          ),
        );
        const created = await createMigration(db.target, "devices", { location, createOnly: true });
        scripts.push(await readFile(created.migrationFile ?? "", "utf8"));
      } finally {
        await db.dispose();
        await location.remove();
      }
    }
    expect(scripts[0]).toContain('CREATE TABLE "Device"');
    expect(scripts[1]).toBe(scripts[0]);
  }, 180_000);
});

describe("a PGlite start with every migration applied", () => {
  it("is recognised without the schema engine, and anything else is left to it", async () => {
    const location = await copyPrismaDir();
    const db = await createEmptyTarget("pglite");
    try {
      if (db.target.kind !== "pglite") throw new Error("expected a PGlite target");
      const pglite = db.target.db;
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(false);
      const applied = await deployMigrations(db.target, { location });
      expect(applied.length).toBeGreaterThan(0);
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(true);
      expect(await deployMigrations(db.target, { location })).toEqual([]);

      // A migration edited after it was applied no longer matches its checksum.
      const first = join(location.migrationsDir, applied[0] ?? "", "migration.sql");
      const original = await readFile(first, "utf8");
      await writeFile(first, `${original}\n-- edited\n`);
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(false);
      await writeFile(first, original);

      // A new migration is pending, and deploying applies it.
      const name = "29990101000000_motto";
      await mkdir(join(location.migrationsDir, name));
      await writeFile(
        join(location.migrationsDir, name, "migration.sql"),
        'ALTER TABLE "users" ADD COLUMN "motto" TEXT;\n',
      );
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(false);
      expect(await deployMigrations(db.target, { location })).toEqual([name]);
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(true);

      // A migration recorded as started and never finished (a crash mid-deploy) is the engine's to report.
      await db.query("UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1", [name]);
      expect(await isRecordedAsApplied(pglite, location.migrationsDir)).toBe(false);
      const blocked = await deployMigrations(db.target, { location }).catch((error: unknown) => error);
      expect(blocked).toMatchObject({ code: "P3009" });
    } finally {
      await db.dispose();
      await location.remove();
    }
  }, 180_000);
});
