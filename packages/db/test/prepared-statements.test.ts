import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgliteStatements } from "../src/embedded/prepared-statements";
import { Prisma } from "../src/generated/prisma/client";
import { openDatabase, type Database } from "../src/open-database";
import { loadAcceptFacts, storeAcceptedMessages } from "../src/repositories/accept-batch";
import { getOrCreateDirectConversation } from "../src/repositories/conversations";
import { hotQuery } from "../src/repositories/hot-statements";
import { attachSocket, registerGateway } from "../src/repositories/presence";

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

  it("keep one generic plan for each of the acceptance's statements, whatever the batch", async () => {
    const prisma = database.prisma;
    await hotQuery(prisma, "test_insert", insertUsers(["plan-a", "plan-b"]));
    await registerGateway(prisma, "plan-gw");
    await attachSocket(prisma, "plan-b", "plan-gw");
    const { id: conversationId } = await getOrCreateDirectConversation(prisma, "plan-a", "plan-b");
    let sent = 0;
    const rounds = [1, 4, 2, 9, 1, 3, 16, 1, 5, 2, 7, 1];
    for (const size of rounds) {
      const messages = Array.from({ length: size }, () => ({
        conversationId,
        senderId: "plan-a",
        clientMsgId: `plan-${(sent += 1)}`,
        contentType: "text" as const,
        content: `message ${sent}`,
      }));
      const now = new Date();
      const { facts, earlier, audiences } = await loadAcceptFacts(prisma, messages, { ttlMs: 15_000, now });
      expect(facts).toHaveLength(size);
      expect(facts.every((fact) => fact.conversationExists && fact.role === "member")).toBe(true);
      expect(earlier.every((found) => found === undefined)).toBe(true);
      expect(audiences.get(conversationId)).toEqual({
        members: ["plan-a", "plan-b"].sort(),
        presence: new Map([["plan-b", ["plan-gw"]]]),
      });
      expect((await storeAcceptedMessages(prisma, messages, now)).map((m) => m.seq)).toEqual(
        messages.map((_, index) => sent - size + index + 1),
      );
    }
    // Planned for their values five times, then PostgreSQL's generic plan for every later batch:
    // a statement whose plan depended on the batch's size would be planned again on every run.
    const plans = await prisma.$queryRaw<{ name: string; generic: bigint; custom: bigint }[]>`
      SELECT name, generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
      WHERE name IN ('gochat_accept_facts', 'gochat_store_accepted') ORDER BY name`;
    const later = BigInt(rounds.length - 5);
    expect(plans).toEqual([
      { name: "gochat_accept_facts", generic: later, custom: 5n },
      { name: "gochat_store_accepted", generic: later, custom: 5n },
    ]);
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
