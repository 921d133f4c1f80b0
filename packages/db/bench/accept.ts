import { writeFileSync } from "node:fs";
import { openDatabase } from "../src/open-database";
import { loadAcceptFacts, storeAcceptedMessages } from "../src/repositories/accept-batch";
import { getOrCreateDirectConversation } from "../src/repositories/conversations";
import type { DbClient } from "../src/repositories/db-client";
import { attachSocket, registerGateway } from "../src/repositories/presence";
import { acceptBenchEnv } from "./env";

/*
 * What one acceptance round costs on the embedded PGlite (the facts read and the store of
 * internal.acceptMessages, as im-repo runs them for im-logic), through Prisma's path and through the
 * prepared statements the hot path uses, alternating so that both see the same table sizes.
 */

type Row = {
  path: "prisma" | "prepared";
  batchSize: number;
  rounds: number;
  /** Rows in messages when the measurement began. */
  messagesBefore: number;
  wallMsPerRound: number;
  cpuMsPerRound: number;
  factsMsPerRound: number;
};

async function main(): Promise<void> {
  const env = acceptBenchEnv;
  const database = await openDatabase({ dataDir: "memory://" });
  const prisma = database.prisma;
  const pairs = env.BENCH_ACCEPT_CONVERSATIONS;
  await prisma.user.createMany({
    data: Array.from({ length: 2 * pairs }, (_, i) => ({
      id: `bench-u${i}`,
      username: `benchu${i}`,
      displayName: `Bench ${i}`,
      passwordHash: "scrypt$not-a-real-hash",
    })),
  });
  await registerGateway(prisma, "gw-1");
  await registerGateway(prisma, "gw-2");
  const conversations: { id: string; sender: string }[] = [];
  for (let i = 0; i < pairs; i++) {
    const sender = `bench-u${2 * i}`;
    const receiver = `bench-u${2 * i + 1}`;
    conversations.push({ id: (await getOrCreateDirectConversation(prisma, sender, receiver)).id, sender });
    await attachSocket(prisma, sender, "gw-1");
    await attachSocket(prisma, receiver, "gw-2");
  }
  let sent = 0;
  let factsMs = 0;
  const round = async (db: DbClient, size: number) => {
    const messages = Array.from({ length: size }, () => {
      const conversation = conversations[sent % pairs] as { id: string; sender: string };
      sent += 1;
      return {
        conversationId: conversation.id,
        senderId: conversation.sender,
        clientMsgId: `bench-${sent}`,
        contentType: "text" as const,
        content: "x".repeat(100),
      };
    });
    const now = new Date();
    const started = performance.now();
    const loaded = await loadAcceptFacts(db, messages, { ttlMs: 15_000, now });
    factsMs += performance.now() - started;
    if (loaded.facts.length !== size) throw new Error("facts for every message");
    const stored = await storeAcceptedMessages(db, messages, now);
    if (stored.length !== size) throw new Error("every message stored");
  };
  // A client of its own (an extension) has no prepared statements: it takes Prisma's path.
  const viaPrisma = prisma.$extends({}) as unknown as DbClient;
  const rows: Row[] = [];
  for (const batchSize of env.BENCH_ACCEPT_BATCH_SIZES.split(",").map(Number)) {
    for (const [path, db] of [
      ["prisma", viaPrisma],
      ["prepared", prisma],
      ["prisma", viaPrisma],
      ["prepared", prisma],
    ] as const) {
      for (let i = 0; i < 20; i++) await round(db, batchSize);
      const messagesBefore = sent;
      factsMs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < env.BENCH_ACCEPT_ROUNDS; i++) await round(db, batchSize);
      const used = process.cpuUsage(cpu);
      const row: Row = {
        path,
        batchSize,
        rounds: env.BENCH_ACCEPT_ROUNDS,
        messagesBefore,
        wallMsPerRound: (performance.now() - started) / env.BENCH_ACCEPT_ROUNDS,
        cpuMsPerRound: (used.user + used.system) / 1000 / env.BENCH_ACCEPT_ROUNDS,
        factsMsPerRound: factsMs / env.BENCH_ACCEPT_ROUNDS,
      };
      rows.push(row);
      console.log(
        `${String(batchSize).padStart(4)} messages, ${path.padEnd(8)} ${row.cpuMsPerRound.toFixed(2)} ms CPU a round ` +
          `(${row.wallMsPerRound.toFixed(2)} wall, facts read ${row.factsMsPerRound.toFixed(2)}), ${messagesBefore} rows before`,
      );
    }
  }
  await database.close();
  const report = {
    benchmark: "accept-round",
    description:
      "one acceptance round (facts read + store) on the embedded PGlite, through Prisma and prepared",
    recordedAt: new Date().toISOString(),
    node: process.version,
    rows,
  };
  writeFileSync(env.BENCH_ACCEPT_OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${env.BENCH_ACCEPT_OUTPUT}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
