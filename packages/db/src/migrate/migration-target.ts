import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { createPgMigrationAdapter, createPgliteMigrationAdapter } from "./migration-adapters";
import { startSchemaEngine, takePanicMessage, type EngineLog, type SchemaEngine } from "./schema-engine";

/** Where migrations run: a PostgreSQL server by URL, or an already opened (and owned) PGlite. */
export type MigrationTarget = { kind: "postgres"; url: string } | { kind: "pglite"; db: PGlite };

export function describeTarget(target: MigrationTarget): string {
  if (target.kind === "pglite") return `PGlite at ${target.db.dataDir ?? "memory"}`;
  const url = new URL(target.url);
  return `PostgreSQL database "${url.pathname.slice(1)}" at ${url.hostname}:${url.port || "5432"}`;
}

/**
 * The engine does not reliably dispose of what it connects, and an open pg pool keeps the process (and
 * the database) busy, so every adapter handed out is tracked and disposed when the work is done.
 */
function trackAdapters(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll: () => Promise<void>;
} {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    let disposed = false;
    const tracked: SqlDriverAdapter = {
      ...adapter,
      queryRaw: (query) => adapter.queryRaw(query),
      executeRaw: (query) => adapter.executeRaw(query),
      executeScript: (script) => adapter.executeScript(script),
      startTransaction: (level) => adapter.startTransaction(level),
      getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
      async dispose() {
        if (disposed) return;
        disposed = true;
        open.delete(tracked);
        await adapter.dispose();
      },
    };
    open.add(tracked);
    return tracked;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => track(await factory.connect()),
      connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    },
    async disposeAll() {
      for (const adapter of [...open]) await adapter.dispose();
    },
  };
}

/** An error from the schema engine, with its Prisma error code (P3009, P3018, …) when it has one. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

function toMigrationError(error: unknown): MigrationError {
  if (error instanceof MigrationError) return error;
  const panic = takePanicMessage();
  const raw = error instanceof Error ? error.message : String(error);
  const message = panic ? `schema engine panicked: ${panic}` : raw;
  const code = /\b(P\d{4})\b/.exec(message)?.[1] ?? (error as { code?: unknown }).code;
  return new MigrationError(message, typeof code === "string" ? code : undefined, { cause: error });
}

/** Runs `work` with a schema engine on the target and always releases the engine and its connections. */
export async function withSchemaEngine<T>(
  target: MigrationTarget,
  schemaPath: string,
  work: (engine: SchemaEngine) => Promise<T>,
  log?: EngineLog,
): Promise<T> {
  const base =
    target.kind === "postgres"
      ? createPgMigrationAdapter(target.url)
      : createPgliteMigrationAdapter(target.db);
  const { factory, disposeAll } = trackAdapters(base);
  let engine: SchemaEngine | undefined;
  try {
    engine = await startSchemaEngine(schemaPath, factory, log);
    return await work(engine);
  } catch (error) {
    throw toMigrationError(error);
  } finally {
    engine?.free();
    await disposeAll();
  }
}
