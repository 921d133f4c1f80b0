import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgliteStatements } from "../src/embedded/prepared-statements";
import { Prisma } from "../src/generated/prisma/client";
import { openDatabase, type Database } from "../src/open-database";
import { hotQuery } from "../src/repositories/hot-statements";

function insertUsers(ids: string[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO users (id, username, display_name, password_hash, updated_at)
    SELECT u, u, u, 'x', now() FROM unnest(${ids}::text[]) AS u
    RETURNING id`;
}

describe("prepared statements on the embedded PGlite", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://" });
  });
  afterAll(async () => {
    await database.close();
  });

  it("give back the values Prisma would, arrays of awkward text included", async () => {
    const texts = ["plain", "it's", 'a "quote"', "back\\slash", "{braces},comma", "emoji 🎉", "", "NULL"];
    const sql = Prisma.sql`
      SELECT t, ord, 9007199254740993::int8 AS big, 7::int4 AS small, true AS yes, NULL::text AS nothing,
             ${"2026-01-02T03:04:05.678Z"}::timestamptz AS at
      FROM unnest(${texts}::text[]) WITH ORDINALITY AS x(t, ord) ORDER BY ord`;
    const prepared = await hotQuery<Record<string, unknown>>(database.prisma, "test_values", sql);
    const viaPrisma = await database.prisma.$queryRaw<Record<string, unknown>[]>(sql);
    expect(prepared).toEqual(viaPrisma);
    expect(prepared.map((row) => row.t)).toEqual(texts);
    expect(prepared[0]).toMatchObject({
      ord: 1n,
      big: 9007199254740993n,
      small: 7,
      yes: true,
      nothing: null,
      at: new Date("2026-01-02T03:04:05.678Z"),
    });
    // Run again: the statement is prepared already.
    expect(await hotQuery(database.prisma, "test_values", sql)).toEqual(viaPrisma);
  });

  it("report a unique violation as PostgreSQL's error and keep serving", async () => {
    await hotQuery(database.prisma, "test_insert", insertUsers(["prep-a"]));
    await expect(
      hotQuery(database.prisma, "test_insert", insertUsers(["prep-b", "prep-a"])),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await hotQuery(database.prisma, "test_insert", insertUsers(["prep-c"]))).toEqual([
      { id: "prep-c" },
    ]);
    const stored = await database.prisma.user.findMany({
      where: { id: { startsWith: "prep-" } },
      orderBy: { id: "asc" },
    });
    expect(stored.map((user) => user.id)).toEqual(["prep-a", "prep-c"]);
  });

  it("wait for an interactive transaction instead of running inside it", async () => {
    let inserted!: () => void;
    const insertedInTransaction = new Promise<void>((resolve) => (inserted = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const transaction = database.prisma
      .$transaction(async (tx) => {
        await tx.$executeRaw(insertUsers(["prep-rolled-back"]));
        inserted();
        await released;
        throw new Error("roll back");
      })
      .catch((error: unknown) => error);
    await insertedInTransaction;
    const count = hotQuery<{ n: number }>(
      database.prisma,
      "test_count",
      Prisma.sql`SELECT count(*)::int AS n FROM users WHERE id = ${"prep-rolled-back"}`,
    );
    release();
    expect(await transaction).toMatchObject({ message: "roll back" });
    // Had it run inside the transaction, it would have seen the row that was rolled back.
    expect(await count).toEqual([{ n: 0 }]);
  });

  it("run through the transaction itself when given one", async () => {
    const seen = await database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw(insertUsers(["prep-in-tx"]));
      return hotQuery<{ n: number }>(
        tx,
        "test_count",
        Prisma.sql`SELECT count(*)::int AS n FROM users WHERE id = ${"prep-in-tx"}`,
      );
    });
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("settle on a generic plan after five planned runs, and are prepared again after a while", async () => {
    if (database.target.kind !== "pglite") throw new Error("an embedded database was opened");
    const statements = new PgliteStatements(database.target.db, { replanAfterRuns: 8 });
    const statement = Prisma.sql`SELECT count(*)::int AS n FROM unnest(${["a"]}::text[])`;
    const plans = async () =>
      database.prisma.$queryRaw<{ generic: bigint; custom: bigint }[]>`
        SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
        WHERE name = 'test_plans'`;
    for (let run = 1; run <= 8; run += 1)
      expect(await statements.query("test_plans", statement.text, statement.values)).toEqual([{ n: 1 }]);
    expect(await plans()).toEqual([{ generic: 3n, custom: 5n }]);
    // The ninth run prepares it afresh: planned for its values again.
    await statements.query("test_plans", statement.text, statement.values);
    expect(await plans()).toEqual([{ generic: 0n, custom: 1n }]);
  });

  it("prepare a statement again when it is gone or its text changed", async () => {
    if (database.target.kind !== "pglite") throw new Error("an embedded database was opened");
    const statements = new PgliteStatements(database.target.db);
    const one = Prisma.sql`SELECT ${"a"}::text AS v`;
    expect(await statements.query("test_again", one.text, one.values)).toEqual([{ v: "a" }]);
    await database.prisma.$executeRawUnsafe("DEALLOCATE test_again");
    expect(await statements.query("test_again", one.text, ["b"])).toEqual([{ v: "b" }]);
    const other = Prisma.sql`SELECT ${"c"}::text || '!' AS w`;
    expect(await statements.query("test_again", other.text, other.values)).toEqual([{ w: "c!" }]);
  });
});
