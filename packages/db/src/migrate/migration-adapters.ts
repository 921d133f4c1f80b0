import { AsyncLocalStorage } from "node:async_hooks";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { parsePostgresUrl, quoteIdentifier } from "./pg-connection";

/*
 * Driver adapters for Prisma's schema engine, with the defects of the stock adapters on the migration
 * path fixed. The application's query path uses the stock adapters unchanged.
 */

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Column positions of Postgres `"char"` fields seen by the query running in this async context. */
const charColumns = new AsyncLocalStorage<number[]>();

type QueryResultLike = { fields?: { dataTypeID: number }[] };

/**
 * adapter-pg has no mapping for the `"char"` type (OID 18, e.g. `pg_constraint.contype`) and fails the
 * whole introspection query. The field is relabelled as text for adapter-pg, and its position is
 * remembered so that the adapter's result can be corrected to the Character type the engine expects.
 */
class CharAwareClient extends pg.Client {
  override query(...args: unknown[]): never {
    const marks = readMarks(args[0]) ?? charColumns.getStore();
    const relabel = (result: unknown): void => {
      const fields = (result as QueryResultLike | undefined)?.fields ?? [];
      fields.forEach((field, index) => {
        if (field.dataTypeID !== PG_CHAR_OID) return;
        field.dataTypeID = PG_TEXT_OID;
        marks?.push(index);
      });
    };
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        relabel(result);
        (callback as (error: unknown, result: unknown) => void)(error, result);
      };
    }
    const superQuery = super.query.bind(this) as (...queryArgs: unknown[]) => unknown;
    const returned = superQuery(...args);
    if (returned instanceof Promise) {
      return returned.then((result: unknown) => {
        relabel(result);
        return result;
      }) as never;
    }
    return returned as never;
  }
}

/**
 * pg-pool may hand a query to a client from another async context (a queued waiter runs when some other
 * query releases its client), so the marks travel on the query config, tagged while still in context.
 */
const MARKS = Symbol("gochat.charColumns");

function readMarks(config: unknown): number[] | undefined {
  return typeof config === "object" && config !== null
    ? ((config as Record<symbol, number[] | undefined>)[MARKS] ?? undefined)
    : undefined;
}

class CharAwarePool extends pg.Pool {
  override query(...args: unknown[]): never {
    const marks = charColumns.getStore();
    const config = args[0];
    if (marks && typeof config === "object" && config !== null) {
      (config as Record<symbol, number[]>)[MARKS] = marks;
    }
    const superQuery = super.query.bind(this) as (...queryArgs: unknown[]) => unknown;
    return superQuery(...args) as never;
  }
}

/** Wraps an adapter-pg adapter: char-aware results, and scripts sent as one query. */
function fixPgAdapter(
  inner: SqlDriverAdapter,
  pool: pg.Pool,
  dispose?: () => Promise<void>,
): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      const marks: number[] = [];
      const result = await charColumns.run(marks, () => inner.queryRaw(query));
      for (const index of marks) result.columnTypes[index] = ColumnTypeEnum.Character;
      return result;
    },
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    /**
     * adapter-pg splits scripts on every `;`, which breaks string literals and `$$` bodies and runs the
     * pieces one by one. One simple-protocol query runs the whole script as one implicit transaction,
     * so a failing migration leaves nothing half-applied.
     */
    async executeScript(script: string): Promise<void> {
      try {
        await pool.query(script);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    dispose: dispose ?? (() => inner.dispose()),
  };
}

type PostgresErrorFields = {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  detail?: unknown;
  column?: unknown;
  hint?: unknown;
};

const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** A server error becomes the adapter error the engine records in `_prisma_migrations.logs`. */
function toAdapterError(error: unknown): unknown {
  const fields = error as PostgresErrorFields | null;
  if (fields === null || typeof fields.code !== "string" || typeof fields.message !== "string") return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: fields.code,
    severity: optionalString(fields.severity) ?? "ERROR",
    message: fields.message,
    detail: optionalString(fields.detail),
    column: optionalString(fields.column),
    hint: optionalString(fields.hint),
  });
}

function createPool(config: pg.PoolConfig): pg.Pool {
  return new CharAwarePool({ ...config, max: 2, Client: CharAwareClient });
}

/** A migration-aware factory for PostgreSQL with a real shadow database per `migrate dev` run. */
export function createPgMigrationAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const config = parsePostgresUrl(url);
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const pool = createPool(config);
      const inner = await new PrismaPg(pool).connect();
      return fixPgAdapter(inner, pool, () => pool.end());
    },
    async connectToShadowDb() {
      const shadowName = `prisma_migrate_shadow_db_${crypto.randomUUID().replaceAll("-", "")}`;
      await runOnce(config, `CREATE DATABASE ${quoteIdentifier(shadowName)}`);
      // Discrete fields, not the URL: a connectionString would silently point back at the main database.
      const pool = createPool({ ...config, database: shadowName });
      const inner = await new PrismaPg(pool).connect();
      return fixPgAdapter(inner, pool, async () => {
        // Close our own connections first; FORCE ends any the engine still holds.
        await pool.end();
        await runOnce(config, `DROP DATABASE IF EXISTS ${quoteIdentifier(shadowName)} WITH (FORCE)`);
      });
    },
  };
}

async function runOnce(config: pg.ClientConfig, sql: string): Promise<void> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** pglite-prisma-adapter's executeScript does not await `exec`, so a failing migration looked applied. */
function fixPgliteAdapter(
  inner: SqlDriverAdapter,
  db: PGlite,
  dispose?: () => Promise<void>,
): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    async executeScript(script: string): Promise<void> {
      try {
        await db.exec(script);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    dispose: dispose ?? (() => inner.dispose()),
  };
}

/** A migration-aware factory for an open PGlite; the shadow database is a throw-away in-memory PGlite. */
export function createPgliteMigrationAdapter(db: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "pglite-prisma-adapter",
    async connect() {
      return fixPgliteAdapter(await new PrismaPGlite(db).connect(), db, () => Promise.resolve());
    },
    async connectToShadowDb() {
      // The stock adapter opens one and never closes it, leaking a whole Postgres per run.
      const shadow = await PGlite.create();
      return fixPgliteAdapter(await new PrismaPGlite(shadow).connect(), shadow, () => shadow.close());
    },
  };
}
