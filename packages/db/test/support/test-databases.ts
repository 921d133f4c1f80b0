import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database, type DatabaseKind } from "../../src/open-database";
import { parsePostgresUrl, quoteIdentifier, withDatabase } from "../../src/migrate/pg-connection";
import type { SchemaLocation } from "../../src/paths";
import { testAdminUrl } from "./env";

async function runAdmin(sql: string): Promise<void> {
  const client = new pg.Client(parsePostgresUrl(testAdminUrl));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export type ScratchPostgres = { url: string; name: string; drop: () => Promise<void> };

/** A fresh, empty database on the test server, dropped (connections and all) by `drop`. */
export async function createScratchPostgres(): Promise<ScratchPostgres> {
  const name = `gochat_test_${randomBytes(6).toString("hex")}`;
  await runAdmin(`CREATE DATABASE ${quoteIdentifier(name)}`);
  return {
    url: withDatabase(testAdminUrl, name),
    name,
    drop: () => runAdmin(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  };
}

export async function listDatabases(prefix: string): Promise<string[]> {
  const client = new pg.Client(parsePostgresUrl(testAdminUrl));
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${prefix}%`],
    );
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** A migrated database of either kind: PGlite in memory, or a scratch database on the test server. */
export async function openTestDatabase(kind: DatabaseKind, location?: SchemaLocation): Promise<Database> {
  if (kind === "pglite") return openDatabase({ dataDir: "memory://", location });
  const scratch = await createScratchPostgres();
  try {
    const database = await openDatabase({ databaseUrl: scratch.url, migrate: true, poolSize: 4, location });
    return {
      ...database,
      async close() {
        await database.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}
