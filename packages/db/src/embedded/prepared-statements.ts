import { parse, protocol, types, type PGlite } from "@electric-sql/pglite";

const { serialize } = protocol;
type RowDescription = InstanceType<typeof protocol.messages.RowDescriptionMessage>;
const { DataRowMessage } = protocol.messages;

/** How one result column is read: its name, and the parser of its type (none for text). */
type Column = {
  name: string;
  typeId: number;
  parse: ((value: string, typeId: number) => unknown) | undefined;
};

type Prepared = {
  text: string;
  /** Runs since it was prepared. */
  runs: number;
  paramTypes: number[];
  columns: Column[];
};

/** int8 comes back as a bigint, as it does through Prisma, so callers see one type on either path. */
const RESULT_PARSERS: Record<number, (value: string) => unknown> = { [types.INT8]: (value) => BigInt(value) };

/**
 * A prepared statement is prepared again after this many runs. PostgreSQL plans its first five runs for
 * their values and then settles on one generic plan, which it keeps; PGlite never analyzes a table by
 * itself, so a plan made while `messages` was small goes on treating it as small. Preparing again every
 * few hundred runs lets the plan follow the tables, at the cost of five planned runs each time.
 */
export const REPLAN_AFTER_RUNS = 500;

/** SQLSTATE 26000: the named statement is gone (it is prepared again once). */
const INVALID_SQL_STATEMENT_NAME = "26000";

/**
 * Named prepared statements on the embedded PGlite, for the few statements the hot path runs many
 * times a second. PGlite's own `query` (which Prisma's adapter calls) parses, describes and plans a
 * statement again on every call, in six trips into the WebAssembly engine; a statement prepared once
 * is bound and executed in one trip, and PostgreSQL's plan cache stops planning it after a few runs
 * (until it is prepared again, see REPLAN_AFTER_RUNS).
 *
 * Each run holds PGlite's transaction lock as well as its query lock, as PGlite's `query` does, so it
 * never lands inside an interactive transaction another caller has open.
 */
export class PgliteStatements {
  readonly #db: PGlite;
  readonly #prepared = new Map<string, Prepared>();
  readonly #replanAfterRuns: number;

  constructor(db: PGlite, options: { replanAfterRuns?: number } = {}) {
    this.#db = db;
    this.#replanAfterRuns = options.replanAfterRuns ?? REPLAN_AFTER_RUNS;
  }

  /** Rows of `text` (with `$1…` placeholders) run with `values`, prepared under `name` on first use. */
  query<T>(name: string, text: string, values: readonly unknown[]): Promise<T[]> {
    return this.#db._runExclusiveTransaction(() =>
      this.#db._runExclusiveQuery(async () => {
        try {
          return await this.#run<T>(name, text, values);
        } catch (error) {
          if (!isDatabaseError(error, INVALID_SQL_STATEMENT_NAME)) throw error;
          this.#prepared.delete(name);
          return await this.#run<T>(name, text, values);
        }
      }),
    );
  }

  async #run<T>(name: string, text: string, values: readonly unknown[]): Promise<T[]> {
    const statement = await this.#statement(name, text);
    const bound = values.map((value, index) => {
      if (value === null || value === undefined) return null;
      // As PGlite's own query does: the parameter's type's serializer, else text's.
      const type = statement.paramTypes[index] ?? types.TEXT;
      const serializer = this.#db.serializers[type] ?? this.#db.serializers[types.TEXT];
      if (serializer === undefined) throw new TypeError(`no serializer for parameter type ${type}`);
      return serializer(value);
    });
    const { messages } = await this.#db.execProtocol(
      concat([serialize.bind({ statement: name, values: bound }), serialize.execute({}), serialize.sync()]),
    );
    // The columns' parsers were looked up when the statement was prepared: PGlite's parseResults merges
    // its 318 type parsers into a new object on every call, about 145 µs for a one-row result (0.7 here).
    const rows: Record<string, unknown>[] = [];
    for (const message of messages) {
      if (!(message instanceof DataRowMessage)) continue;
      const row: Record<string, unknown> = {};
      statement.columns.forEach((column, index) => {
        const value = message.fields[index] ?? null;
        row[column.name] =
          value === null || column.parse === undefined ? value : column.parse(value, column.typeId);
      });
      rows.push(row);
    }
    return rows as T[];
  }

  async #statement(name: string, text: string): Promise<Prepared> {
    const known = this.#prepared.get(name);
    if (known?.text === text && known.runs < this.#replanAfterRuns) {
      known.runs += 1;
      return known;
    }
    const parts = known ? [serialize.close({ type: "S", name })] : [];
    this.#prepared.delete(name);
    const { messages } = await this.#db.execProtocol(
      concat([
        ...parts,
        serialize.parse({ name, text }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
    );
    const rowDescription = messages.find(
      (message): message is RowDescription => message.name === "rowDescription",
    );
    const prepared: Prepared = {
      text,
      runs: 1,
      paramTypes: parse.parseDescribeStatementResults(messages),
      columns: (rowDescription?.fields ?? []).map(({ name, dataTypeID }) => ({
        name,
        typeId: dataTypeID,
        parse: RESULT_PARSERS[dataTypeID] ?? this.#db.parsers[dataTypeID],
      })),
    };
    this.#prepared.set(name, prepared);
    return prepared;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function isDatabaseError(error: unknown, code: string): boolean {
  return error instanceof protocol.messages.DatabaseError && error.code === code;
}
