import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { DbClient } from "./db-client";

/** Runs a statement under a name, preparing it once on the connection it owns. */
export interface StatementRunner {
  query<T>(name: string, text: string, values: readonly unknown[]): Promise<T[]>;
}

const runners = new WeakMap<object, StatementRunner>();

/** Lets hotQuery run `client`'s hot statements through `runner` (the embedded database's prepared ones). */
export function usePreparedStatements(client: PrismaClient, runner: StatementRunner): void {
  runners.set(client, runner);
}

/**
 * Runs one of the hot path's statements: prepared once under `name` where the client has a runner (the
 * embedded PGlite, which otherwise parses and plans every call again), through Prisma otherwise. An
 * interactive transaction is a client of its own and has no runner, so its statements stay inside it.
 */
export function hotQuery<T>(db: DbClient, name: string, sql: Prisma.Sql): Promise<T[]> {
  const runner = runners.get(db);
  return runner ? runner.query<T>(name, sql.text, sql.values) : db.$queryRaw<T[]>(sql);
}
