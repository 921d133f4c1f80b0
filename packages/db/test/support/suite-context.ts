import type { ChatMessage } from "@gochat/contracts";
import { afterAll, beforeAll } from "vitest";
import type { Database, DatabaseKind } from "../../src/open-database";
import { createPasswordHasher } from "../../src/auth/password";
import { createUser, type PublicUser } from "../../src/repositories/users";
import type { PrismaClient } from "../../src/generated/prisma/client";
import { openTestDatabase } from "./test-databases";

let counter = 0;

/** A cheap scrypt cost: the suites create hundreds of users, and the cost itself is tested on its own. */
export const testHasher = createPasswordHasher({ N: 1024, r: 8, p: 1 });
/** Later than any row's creation time in this run, so message times are what moves "last activity". */
const BASE_TIME_MS = Date.now() + 60_000;

/** Unique per run so tests in one database never collide. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export function chatMessage(
  conversationId: string,
  senderId: string,
  seq: number,
  messageId: number,
  overrides: Partial<ChatMessage> = {},
): ChatMessage {
  return {
    message_id: messageId,
    conversation_id: conversationId,
    seq,
    sender_id: senderId,
    client_msg_id: `c-${conversationId}-${seq}`,
    content_type: "text",
    content: `message ${seq}`,
    created_at_ms: BASE_TIME_MS + seq * 1000,
    ...overrides,
  };
}

export type SuiteContext = {
  db: () => PrismaClient;
  createUser: (name?: string) => Promise<PublicUser>;
};

/** Opens one migrated database of the kind for the enclosing describe block and closes it after. */
export function useTestDatabase(kind: DatabaseKind): SuiteContext {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });
  const db = () => {
    if (!database) throw new Error("the test database is not open yet");
    return database.prisma;
  };
  return {
    db,
    createUser: (name = uniqueName("u")) =>
      createUser(
        db(),
        { username: name, displayName: name.toUpperCase(), password: `pw-${name}` },
        testHasher,
      ),
  };
}
