import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { DatabaseKind } from "../../src/open-database";
import type { MigrationTarget } from "../../src/migrate/migration-target";
import { parsePostgresUrl } from "../../src/migrate/pg-connection";
import { defaultPrismaDir, locateSchema, type SchemaLocation } from "../../src/paths";
import { createScratchPostgres } from "./test-databases";

/** A private copy of prisma/ (schema and migrations) that a test may change freely. */
export async function copyPrismaDir(): Promise<
  SchemaLocation & { dir: string; remove: () => Promise<void> }
> {
  const dir = await mkdtemp(join(tmpdir(), "gochat-prisma-"));
  await cp(defaultPrismaDir, dir, { recursive: true });
  return { ...locateSchema(dir), dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function editFile(path: string, edit: (text: string) => string): Promise<void> {
  await writeFile(path, edit(await readFile(path, "utf8")));
}

export type EmptyTarget = {
  target: MigrationTarget;
  query: <Row>(sql: string, params?: unknown[]) => Promise<Row[]>;
  dispose: () => Promise<void>;
};

/** An empty database of the given kind to run migrations on, with a raw query function for checks. */
export async function createEmptyTarget(kind: DatabaseKind): Promise<EmptyTarget> {
  if (kind === "pglite") {
    const db = await PGlite.create();
    return {
      target: { kind: "pglite", db },
      query: async <Row>(sql: string, params: unknown[] = []) => (await db.query<Row>(sql, params)).rows,
      dispose: () => db.close(),
    };
  }
  const scratch = await createScratchPostgres();
  const client = new pg.Client(parsePostgresUrl(scratch.url));
  await client.connect();
  return {
    target: { kind: "postgres", url: scratch.url },
    query: async <Row>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as Row[],
    async dispose() {
      await client.end();
      await scratch.drop();
    },
  };
}
