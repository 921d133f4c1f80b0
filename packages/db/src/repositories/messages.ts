import { AppError, type ChatMessage } from "@gochat/contracts";
import type { Message, PrismaClient } from "../generated/prisma/client";
import { toSafeNumber, type DbClient } from "./db-client";

/** A persisted message in the wire shape of @gochat/contracts, plus its recall time. */
export type StoredMessage = ChatMessage & { recalled_at_ms: number | null };

export function toStoredMessage(row: Message): StoredMessage {
  return {
    message_id: toSafeNumber(row.id),
    conversation_id: row.conversationId,
    seq: toSafeNumber(row.seq),
    sender_id: row.senderId,
    client_msg_id: row.clientMsgId,
    content_type: row.contentType,
    content: row.content,
    created_at_ms: row.createdAt.getTime(),
    recalled_at_ms: row.recalledAt?.getTime() ?? null,
  };
}

/**
 * Primitive for im-logic: reserves `count` consecutive sequence numbers of a conversation with one
 * row-locking UPDATE, so concurrent senders never share a seq. Returns the first and last reserved.
 */
export async function allocateSequence(
  db: DbClient,
  conversationId: string,
  count = 1,
): Promise<{ first: number; last: number }> {
  const rows = await db.$queryRaw<{ last_seq: bigint }[]>`
    UPDATE conversations SET last_seq = last_seq + ${count} WHERE id = ${conversationId} RETURNING last_seq`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `No conversation ${conversationId}.`);
  const last = toSafeNumber(row.last_seq);
  return { first: last - count + 1, last };
}

/**
 * Primitive for im-logic: message ids from the `messages_id_seq` Postgres sequence. Ids increase but
 * may have gaps (a sequence never rolls back), which is all a message id promises.
 */
export async function nextMessageIds(db: DbClient, count = 1): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT nextval('messages_id_seq') AS id FROM generate_series(1, ${count}::int)`;
  return rows.map((row) => toSafeNumber(row.id));
}

export type InsertMessagesResult = { inserted: number; duplicates: number };

/**
 * Stores a batch idempotently in one statement: a redelivered message hits (conversation_id, seq) or
 * (sender_id, client_msg_id) and is skipped. From the rows actually inserted, the same statement moves
 * each conversation's last_seq and last activity forward and each sender's read cursor over their own
 * messages; GREATEST keeps both correct when batches arrive out of order or are replayed. Arrays travel
 * as text[] because that is the one array type both driver adapters pass through unchanged.
 */
export async function insertMessages(
  db: PrismaClient,
  messages: readonly ChatMessage[],
): Promise<InsertMessagesResult> {
  if (messages.length === 0) return { inserted: 0, duplicates: 0 };
  const column = <T>(pick: (message: ChatMessage) => T): T[] => messages.map(pick);
  // im-repo stores a message when it accepts it, so the storage consumer normally finds every row in
  // place: checked first without taking locks that the next acceptance would wait for.
  const present = await db.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM messages
    WHERE (conversation_id, seq) IN (
      SELECT * FROM unnest(${column((m) => m.conversation_id)}::text[], ${column((m) => String(m.seq))}::text[]::bigint[]))`;
  if ((present[0]?.count ?? 0) === messages.length) return { inserted: 0, duplicates: messages.length };
  const conversationIds = [...new Set(column((m) => m.conversation_id))].sort();
  const [, rows] = await db.$transaction([
    // Concurrent batches that share conversations would lock them in join order and could deadlock;
    // taking the conversation rows in id order first serializes them instead (members rows included,
    // since they are only touched under their conversation's lock).
    db.$queryRaw`SELECT id FROM conversations WHERE id = ANY(${conversationIds}::text[]) ORDER BY id FOR UPDATE`,
    db.$queryRaw<{ inserted: number }[]>`
    WITH inserted AS (
      INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, content_type, content, created_at)
      SELECT * FROM unnest(
        ${column((m) => String(m.message_id))}::text[]::bigint[],
        ${column((m) => m.conversation_id)}::text[],
        ${column((m) => String(m.seq))}::text[]::bigint[],
        ${column((m) => m.sender_id)}::text[],
        ${column((m) => m.client_msg_id)}::text[],
        ${column((m) => m.content_type)}::text[]::"ContentType"[],
        ${column((m) => m.content)}::text[],
        ${column((m) => new Date(m.created_at_ms).toISOString())}::text[]::timestamptz[]
      )
      ON CONFLICT DO NOTHING
      RETURNING conversation_id, seq, sender_id, created_at
    ),
    advanced AS (
      UPDATE conversations AS c
      SET last_seq = GREATEST(c.last_seq, i.max_seq), last_activity_at = GREATEST(c.last_activity_at, i.max_at)
      FROM (
        SELECT conversation_id, max(seq) AS max_seq, max(created_at) AS max_at FROM inserted GROUP BY conversation_id
      ) AS i
      WHERE c.id = i.conversation_id
      RETURNING c.id
    ),
    read_own AS (
      UPDATE conversation_members AS m
      SET read_seq = GREATEST(m.read_seq, i.max_seq)
      FROM (
        SELECT conversation_id, sender_id, max(seq) AS max_seq FROM inserted GROUP BY conversation_id, sender_id
      ) AS i
      WHERE m.conversation_id = i.conversation_id AND m.user_id = i.sender_id
      RETURNING m.user_id
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted`,
  ]);
  const inserted = rows[0]?.inserted ?? 0;
  return { inserted, duplicates: messages.length - inserted };
}

/** Messages with from <= seq <= to, oldest first (catch-up after reconnect, gap filling). */
export async function listMessagesInRange(
  db: DbClient,
  conversationId: string,
  range: { fromSeq: number; toSeq?: number; limit?: number },
): Promise<StoredMessage[]> {
  const rows = await db.message.findMany({
    where: {
      conversationId,
      seq: { gte: BigInt(range.fromSeq), ...(range.toSeq === undefined ? {} : { lte: BigInt(range.toSeq) }) },
    },
    orderBy: { seq: "asc" },
    take: range.limit ?? 100,
  });
  return rows.map(toStoredMessage);
}

/** The page of history just before `beforeSeq` (the latest page when omitted), oldest first. */
export async function listMessagesBefore(
  db: DbClient,
  conversationId: string,
  options: { beforeSeq?: number | null; limit?: number } = {},
): Promise<StoredMessage[]> {
  const rows = await db.message.findMany({
    where: {
      conversationId,
      ...(options.beforeSeq == null ? {} : { seq: { lt: BigInt(options.beforeSeq) } }),
    },
    orderBy: { seq: "desc" },
    take: options.limit ?? 50,
  });
  return rows.reverse().map(toStoredMessage);
}

/**
 * The newest stored message of each conversation, for list previews: one indexed lookup per conversation
 * (the (conversation_id, seq) unique index, newest first). A conversation with nothing stored is absent.
 */
export async function latestMessages(
  db: DbClient,
  conversationIds: readonly string[],
): Promise<Map<string, StoredMessage>> {
  const rows = await Promise.all(
    conversationIds.map((conversationId) =>
      db.message.findFirst({ where: { conversationId }, orderBy: { seq: "desc" } }),
    ),
  );
  const latest = new Map<string, StoredMessage>();
  for (const row of rows) if (row) latest.set(row.conversationId, toStoredMessage(row));
  return latest;
}

export async function findMessage(db: DbClient, messageId: number): Promise<StoredMessage | null> {
  const row = await db.message.findUnique({ where: { id: BigInt(messageId) } });
  return row ? toStoredMessage(row) : null;
}

export const DEFAULT_RECALL_WINDOW_MS = 2 * 60 * 1000;

/**
 * Recalls a message: its sender within the window, or a moderator (a group's owner or admins, decided by
 * the caller) at any time. Recalling again returns the message unchanged, so a retried request is
 * harmless. The body stays stored for moderation; readers are no longer served it.
 */
export async function recallMessage(
  db: DbClient,
  input: { messageId: number; operatorId: string; windowMs?: number; now?: Date; asModerator?: boolean },
): Promise<StoredMessage> {
  const now = input.now ?? new Date();
  const row = await db.message.findUnique({ where: { id: BigInt(input.messageId) } });
  if (!row) throw new AppError("NOT_FOUND", "No such message.");
  if (row.recalledAt) return toStoredMessage(row);
  if (input.asModerator === true) {
    const updated = await db.message.update({ where: { id: row.id }, data: { recalledAt: now } });
    return toStoredMessage(updated);
  }
  if (row.senderId !== input.operatorId)
    throw new AppError("FORBIDDEN", "Only the sender can recall a message.");
  if (now.getTime() - row.createdAt.getTime() > (input.windowMs ?? DEFAULT_RECALL_WINDOW_MS)) {
    throw new AppError("RECALL_WINDOW_EXPIRED", "The message is too old to recall.");
  }
  const updated = await db.message.update({ where: { id: row.id }, data: { recalledAt: now } });
  return toStoredMessage(updated);
}
