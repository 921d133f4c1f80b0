import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ChatMessage } from "@gochat/contracts";
import pg from "pg";
import { parsePostgresUrl, quoteIdentifier, withDatabase } from "../src/migrate/pg-connection";
import { openDatabase, type Database } from "../src/open-database";
import { getOrCreateDirectConversation } from "../src/repositories/conversations";
import { insertMessages, nextMessageIds } from "../src/repositories/messages";
import { benchEnv } from "./env";

/*
 * How fast the persistence path (insertMessages: idempotent batch insert + conversation and read-cursor
 * updates in one statement) stores messages on each database, as im-repo would consume them.
 */

type Result = {
  database: string;
  batchSize: number;
  writers: number;
  messages: number;
  seconds: number;
  rowsPerSecond: number;
  replayRowsPerSecond: number;
};

async function runAdmin(sql: string): Promise<void> {
  const client = new pg.Client(parsePostgresUrl(benchEnv.BENCH_DATABASE_URL));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function prepareConversations(database: Database, count: number): Promise<string[]> {
  const prisma = database.prisma;
  const users = Array.from({ length: count + 1 }, (_, index) => ({
    id: `bench-user-${index}`,
    username: `benchuser${index}`,
    displayName: `Bench ${index}`,
    passwordHash: "scrypt$not-a-real-hash",
  }));
  await prisma.user.createMany({ data: users, skipDuplicates: true });
  const conversations: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    conversations.push(
      (await getOrCreateDirectConversation(prisma, "bench-user-0", `bench-user-${index}`)).id,
    );
  }
  return conversations;
}

/** Messages spread round-robin over the conversations, each conversation's seqs in order. */
async function buildMessages(
  database: Database,
  conversations: string[],
  total: number,
  tag: string,
): Promise<ChatMessage[]> {
  const ids = await nextMessageIds(database.prisma, total);
  const seqs = new Map<string, number>();
  const now = Date.now();
  return ids.map((messageId, index) => {
    const conversationId = conversations[index % conversations.length] ?? "";
    const seq = (seqs.get(conversationId) ?? 0) + 1;
    seqs.set(conversationId, seq);
    const sender = index % 2 === 0 ? "bench-user-0" : `bench-user-${(index % conversations.length) + 1}`;
    return {
      message_id: messageId,
      conversation_id: conversationId,
      seq,
      sender_id: sender,
      client_msg_id: `${tag}-${index}`,
      content_type: "text" as const,
      content: `benchmark message ${index} ${"lorem ipsum ".repeat(4)}`,
      created_at_ms: now + index,
    };
  });
}

async function persist(
  database: Database,
  messages: ChatMessage[],
  batchSize: number,
  writers: number,
): Promise<number> {
  const batches: ChatMessage[][] = [];
  for (let start = 0; start < messages.length; start += batchSize)
    batches.push(messages.slice(start, start + batchSize));
  let next = 0;
  let inserted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) {
        const result = await insertMessages(database.prisma, batch);
        inserted += result.inserted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (inserted !== messages.length && inserted !== 0)
    throw new Error(`inserted ${inserted} of ${messages.length}`);
  return seconds;
}

async function measure(label: string, open: () => Promise<Database>, writers: number[]): Promise<Result[]> {
  const results: Result[] = [];
  const batchSizes = benchEnv.BENCH_BATCH_SIZES.split(",").map(Number);
  for (const batchSize of batchSizes) {
    for (const writerCount of writers) {
      const database = await open();
      try {
        const conversations = await prepareConversations(database, benchEnv.BENCH_CONVERSATIONS);
        const messages = await buildMessages(
          database,
          conversations,
          benchEnv.BENCH_MESSAGES,
          `b${batchSize}w${writerCount}`,
        );
        const seconds = await persist(database, messages, batchSize, writerCount);
        // Redelivery: every row conflicts and is skipped, as after a consumer restart.
        const replaySeconds = await persist(database, messages, batchSize, writerCount);
        const result: Result = {
          database: label,
          batchSize,
          writers: writerCount,
          messages: messages.length,
          seconds: Number(seconds.toFixed(3)),
          rowsPerSecond: Math.round(messages.length / seconds),
          replayRowsPerSecond: Math.round(messages.length / replaySeconds),
        };
        console.log(
          `${label.padEnd(16)} batch ${String(batchSize).padStart(4)} × ${writerCount} writer(s): ` +
            `${result.rowsPerSecond} rows/s (${result.seconds}s), replay ${result.replayRowsPerSecond} rows/s`,
        );
        results.push(result);
      } finally {
        await database.close();
      }
    }
  }
  return results;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const openPostgres = async (): Promise<Database> => {
    const name = `gochat_bench_${randomBytes(4).toString("hex")}`;
    await runAdmin(`CREATE DATABASE ${quoteIdentifier(name)}`);
    const database = await openDatabase({
      databaseUrl: withDatabase(benchEnv.BENCH_DATABASE_URL, name),
      migrate: true,
      poolSize: 8,
    });
    return {
      ...database,
      async close() {
        await database.close();
        await runAdmin(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      },
    };
  };
  results.push(...(await measure("postgresql", openPostgres, [1, 4])));

  const root = mkdtempSync(join(tmpdir(), "gochat-bench-"));
  let counter = 0;
  try {
    const openDisk = () => openDatabase({ dataDir: join(root, `pglite-${counter++}`) });
    // PGlite is one connection: concurrent writers only queue, so one writer is measured.
    results.push(...(await measure("pglite-disk", openDisk, [1])));
    results.push(...(await measure("pglite-memory", () => openDatabase({ dataDir: "memory://" }), [1])));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const report = {
    benchmark: "db.persist-messages",
    description:
      "insertMessages (idempotent batch insert + last_seq/activity + sender read cursor, one statement)",
    node: process.version,
    recordedAt: new Date().toISOString(),
    conversations: benchEnv.BENCH_CONVERSATIONS,
    results,
  };
  mkdirSync(dirname(benchEnv.BENCH_OUTPUT), { recursive: true });
  writeFileSync(benchEnv.BENCH_OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${benchEnv.BENCH_OUTPUT}`);
}

// The schema engine used for migrations leaves a timer behind, so the process exits explicitly.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
