import type { ChatMessage, ContentType } from "@gochat/contracts";
import type { Prisma } from "../generated/prisma/client";
import { toSafeNumber, type DbClient } from "./db-client";
import { DEFAULT_PRESENCE_TTL_MS } from "./presence";

/** One message as im-logic hands it over for acceptance. */
export interface MessageToAccept {
  conversationId: string;
  senderId: string;
  clientMsgId: string;
  contentType: ContentType;
  content: string;
}

/** What the database says about one message's conversation and sender. */
export interface AcceptFacts {
  /** False when the conversation does not exist. */
  conversationExists: boolean;
  groupId: string | null;
  memberCount: number;
  superLargeThreshold: number;
  onlyAdminsCanPost: boolean;
  /** The sender's role, or null when the sender is not a member. */
  role: "owner" | "admin" | "member" | null;
}

/**
 * A message already accepted under the same (sender, client message id): the stored row, or, for a
 * claim made by an earlier release whose message storage had not caught up with, the claim alone.
 */
export type EarlierAcceptance =
  | { kind: "stored"; message: ChatMessage }
  | {
      kind: "claimed";
      conversationId: string;
      seq: number;
      messageId: number;
      contentHash: string;
      createdAtMs: number;
    };

const pairKey = (senderId: string, clientMsgId: string) => `${senderId}\n${clientMsgId}`;

/**
 * Reads, in two statements for the whole batch, each message's conversation, group settings and the
 * sender's role, and any earlier acceptance of its (sender, client message id).
 */
export async function loadAcceptFacts(
  tx: Prisma.TransactionClient,
  messages: readonly MessageToAccept[],
): Promise<{ facts: AcceptFacts[]; earlier: (EarlierAcceptance | undefined)[] }> {
  const rows = await tx.$queryRaw<
    {
      ord: bigint;
      conversation_id: string | null;
      group_id: string | null;
      member_count: number | null;
      super_large_threshold: number | null;
      only_admins_can_post: boolean | null;
      role: "owner" | "admin" | "member" | null;
    }[]
  >`
    SELECT x.ord, c.id AS conversation_id, g.id AS group_id, g.member_count, g.super_large_threshold,
           g.only_admins_can_post, m.role::text AS role
    FROM unnest(${messages.map((m) => m.conversationId)}::text[], ${messages.map((m) => m.senderId)}::text[])
      WITH ORDINALITY AS x(conversation_id, sender_id, ord)
    LEFT JOIN conversations c ON c.id = x.conversation_id
    LEFT JOIN groups g ON g.id = c.id
    LEFT JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = x.sender_id
    ORDER BY x.ord`;
  const facts = rows.map((row): AcceptFacts => ({
    conversationExists: row.conversation_id !== null,
    groupId: row.group_id,
    memberCount: row.member_count ?? 2,
    superLargeThreshold: row.super_large_threshold ?? Number.MAX_SAFE_INTEGER,
    onlyAdminsCanPost: row.only_admins_can_post === true,
    role: row.role,
  }));

  const senders = messages.map((m) => m.senderId);
  const clientIds = messages.map((m) => m.clientMsgId);
  const stored = await tx.$queryRaw<
    {
      id: bigint;
      conversation_id: string;
      seq: bigint;
      sender_id: string;
      client_msg_id: string;
      content_type: ContentType;
      content: string;
      created_at: Date;
    }[]
  >`
    SELECT id, conversation_id, seq, sender_id, client_msg_id, content_type::text AS content_type, content, created_at
    FROM messages
    WHERE (sender_id, client_msg_id) IN (SELECT * FROM unnest(${senders}::text[], ${clientIds}::text[]))`;
  const found = new Map<string, EarlierAcceptance>();
  for (const row of stored) {
    found.set(pairKey(row.sender_id, row.client_msg_id), {
      kind: "stored",
      message: {
        message_id: toSafeNumber(row.id),
        conversation_id: row.conversation_id,
        seq: toSafeNumber(row.seq),
        sender_id: row.sender_id,
        client_msg_id: row.client_msg_id,
        content_type: row.content_type,
        content: row.content,
        created_at_ms: row.created_at.getTime(),
      },
    });
  }
  const unseen = messages.filter((m) => !found.has(pairKey(m.senderId, m.clientMsgId)));
  if (unseen.length > 0) {
    const claims = await tx.$queryRaw<
      {
        sender_id: string;
        client_msg_id: string;
        conversation_id: string;
        seq: bigint;
        message_id: bigint;
        content_hash: string;
        created_at: Date;
      }[]
    >`
      SELECT sender_id, client_msg_id, conversation_id, seq, message_id, content_hash, created_at
      FROM message_claims
      WHERE (sender_id, client_msg_id) IN (
        SELECT * FROM unnest(${unseen.map((m) => m.senderId)}::text[], ${unseen.map((m) => m.clientMsgId)}::text[]))`;
    for (const claim of claims) {
      found.set(pairKey(claim.sender_id, claim.client_msg_id), {
        kind: "claimed",
        conversationId: claim.conversation_id,
        seq: toSafeNumber(claim.seq),
        messageId: toSafeNumber(claim.message_id),
        contentHash: claim.content_hash,
        createdAtMs: claim.created_at.getTime(),
      });
    }
  }
  return { facts, earlier: messages.map((m) => found.get(pairKey(m.senderId, m.clientMsgId))) };
}

/** Thrown when a concurrent acceptance stored one of the batch's messages first; the batch is retried. */
export class AcceptRaceError extends Error {
  constructor() {
    super("a concurrent acceptance stored one of these messages first");
    this.name = "AcceptRaceError";
  }
}

/**
 * Gives new messages their places and stores them, in the caller's transaction: each conversation's next
 * seqs in batch order (one row-locking UPDATE over the conversations, taken in id order so concurrent
 * batches never deadlock), message ids from `messages_id_seq`, one INSERT for every row, and each sender's
 * read cursor moved over their own messages. A message is thus in history before anyone is told of it.
 */
export async function storeAcceptedMessages(
  tx: Prisma.TransactionClient,
  messages: readonly MessageToAccept[],
  now: Date,
): Promise<ChatMessage[]> {
  if (messages.length === 0) return [];
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.conversationId, (counts.get(m.conversationId) ?? 0) + 1);
  const conversationIds = [...counts.keys()].sort();
  await tx.$queryRaw`SELECT id FROM conversations WHERE id = ANY(${conversationIds}::text[]) ORDER BY id FOR UPDATE`;
  const advanced = await tx.$queryRaw<{ id: string; last_seq: bigint }[]>`
    UPDATE conversations AS c
    SET last_seq = c.last_seq + n.count, last_activity_at = GREATEST(c.last_activity_at, ${now.toISOString()}::timestamptz)
    FROM unnest(${conversationIds}::text[], ${conversationIds.map((id) => String(counts.get(id)))}::text[]::int[])
      AS n(id, count)
    WHERE c.id = n.id
    RETURNING c.id, c.last_seq`;
  const nextSeq = new Map<string, number>();
  for (const row of advanced) {
    nextSeq.set(row.id, toSafeNumber(row.last_seq) - (counts.get(row.id) ?? 0) + 1);
  }
  const ids = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT nextval('messages_id_seq') AS id FROM generate_series(1, ${messages.length}::int)`;
  const createdAtMs = now.getTime();
  const accepted = messages.map((m, index): ChatMessage => {
    const seq = nextSeq.get(m.conversationId);
    const id = ids[index]?.id;
    if (seq === undefined || id === undefined) throw new Error(`no seq for conversation ${m.conversationId}`);
    nextSeq.set(m.conversationId, seq + 1);
    return {
      message_id: toSafeNumber(id),
      conversation_id: m.conversationId,
      seq,
      sender_id: m.senderId,
      client_msg_id: m.clientMsgId,
      content_type: m.contentType,
      content: m.content,
      created_at_ms: createdAtMs,
    };
  });
  const column = <T>(pick: (message: ChatMessage) => T): T[] => accepted.map(pick);
  const inserted = await tx.$queryRaw<{ count: number }[]>`
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
        ${column(() => now.toISOString())}::text[]::timestamptz[]
      )
      ON CONFLICT DO NOTHING
      RETURNING conversation_id, seq, sender_id
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
    SELECT (SELECT count(*) FROM inserted)::int AS count`;
  if ((inserted[0]?.count ?? 0) !== accepted.length) throw new AcceptRaceError();
  return accepted;
}

/**
 * Every member of each conversation, with the live gateway instances of those online, in one indexed
 * join: what im-logic routes a message by.
 */
export async function loadAudiences(
  db: DbClient,
  conversationIds: readonly string[],
  options: { ttlMs?: number; now?: Date } = {},
): Promise<Map<string, { members: string[]; presence: Map<string, string[]> }>> {
  const audiences = new Map<string, { members: string[]; presence: Map<string, string[]> }>();
  if (conversationIds.length === 0) return audiences;
  const freshSince = new Date(
    (options.now ?? new Date()).getTime() - (options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS),
  );
  const rows = await db.$queryRaw<{ conversation_id: string; user_id: string; gateway_id: string | null }[]>`
    SELECT m.conversation_id, m.user_id, live.gateway_id
    FROM conversation_members m
    LEFT JOIN LATERAL (
      SELECT p.gateway_id FROM user_presence p
      JOIN gateway_instances g ON g.id = p.gateway_id AND g.last_beat_at >= ${freshSince.toISOString()}::timestamptz
      WHERE p.user_id = m.user_id AND p.sockets > 0
    ) AS live ON true
    WHERE m.conversation_id = ANY(${[...conversationIds]}::text[])
    ORDER BY m.conversation_id, m.user_id, live.gateway_id`;
  for (const id of conversationIds) audiences.set(id, { members: [], presence: new Map() });
  for (const row of rows) {
    const audience = audiences.get(row.conversation_id);
    if (audience === undefined) continue;
    if (audience.members.at(-1) !== row.user_id) audience.members.push(row.user_id);
    if (row.gateway_id === null) continue;
    const gateways = audience.presence.get(row.user_id);
    if (gateways) gateways.push(row.gateway_id);
    else audience.presence.set(row.user_id, [row.gateway_id]);
  }
  return audiences;
}
