import type { ChatMessage, ContentType } from "@gochat/contracts";
import { Prisma } from "../generated/prisma/client";
import { isUniqueViolation, toSafeNumber, type DbClient } from "./db-client";
import { hotQuery } from "./hot-statements";

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

/** Every member of a conversation and the gateways of the online ones. */
export interface Audience {
  members: string[];
  presence: Map<string, string[]>;
}

/**
 * Reads, in one statement for the whole batch, each message's conversation, group settings and the
 * sender's role, any earlier acceptance of its (sender, client message id), and the audience of every
 * conversation a message may be routed in inline (the sender is a member and the group is not
 * super-large): its members and where the online ones are connected, a presence row counting while its
 * gateway has beaten within `presenceTtlMs`. Embedded PostgreSQL pays a fixed cost per statement, so the
 * hot path asks few, set-based ones.
 */
export async function loadAcceptFacts(
  db: DbClient,
  messages: readonly MessageToAccept[],
  presence: { ttlMs: number; now: Date },
): Promise<{
  facts: AcceptFacts[];
  earlier: (EarlierAcceptance | undefined)[];
  audiences: Map<string, Audience>;
}> {
  const freshSince = new Date(presence.now.getTime() - presence.ttlMs).toISOString();
  const rows = await hotQuery<{
    conversation_id: string | null;
    group_id: string | null;
    member_count: number | null;
    super_large_threshold: number | null;
    only_admins_can_post: boolean | null;
    role: "owner" | "admin" | "member" | null;
    e_id: bigint | null;
    e_conversation_id: string | null;
    e_seq: bigint | null;
    e_content_type: ContentType | null;
    e_content: string | null;
    e_created_at: Date | null;
    k_conversation_id: string | null;
    k_seq: bigint | null;
    k_message_id: bigint | null;
    k_content_hash: string | null;
    k_created_at: Date | null;
    audience: string | null;
  }>(
    db,
    "gochat_accept_facts",
    Prisma.sql`
    WITH x AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(
        messages.map((m, index) => ({ c: m.conversationId, s: m.senderId, k: m.clientMsgId, o: index })),
      )}::jsonb) AS x(c text, s text, k text, o int)
    ),
    -- The audience rides on each conversation's first message from a member (the others need none).
    firsts AS (
      SELECT x.c, min(x.o) AS o FROM x
      WHERE EXISTS (SELECT 1 FROM conversation_members fm WHERE fm.conversation_id = x.c AND fm.user_id = x.s)
      GROUP BY x.c
    )
    SELECT c.id AS conversation_id, c.group_id, c.member_count, c.super_large_threshold,
           c.only_admins_can_post, m.role,
           e.id AS e_id, e.conversation_id AS e_conversation_id, e.seq AS e_seq,
           e.content_type AS e_content_type, e.content AS e_content, e.created_at AS e_created_at,
           k.conversation_id AS k_conversation_id, k.seq AS k_seq, k.message_id AS k_message_id,
           k.content_hash AS k_content_hash, k.created_at AS k_created_at,
           a.audience
    FROM x
    LEFT JOIN LATERAL (
      SELECT c.id, g.id AS group_id, g.member_count, g.super_large_threshold, g.only_admins_can_post
      FROM conversations c LEFT JOIN groups g ON g.id = c.id
      WHERE c.id = x.c LIMIT 1
    ) AS c ON true
    LEFT JOIN LATERAL (
      SELECT m.role::text AS role FROM conversation_members m
      WHERE m.conversation_id = x.c AND m.user_id = x.s LIMIT 1
    ) AS m ON true
    LEFT JOIN LATERAL (
      SELECT e.id, e.conversation_id, e.seq, e.content_type::text AS content_type, e.content, e.created_at
      FROM messages e WHERE e.sender_id = x.s AND e.client_msg_id = x.k LIMIT 1
    ) AS e ON true
    LEFT JOIN LATERAL (
      SELECT k.conversation_id, k.seq, k.message_id, k.content_hash, k.created_at
      FROM message_claims k WHERE e.id IS NULL AND k.sender_id = x.s AND k.client_msg_id = x.k LIMIT 1
    ) AS k ON true
    LEFT JOIN firsts f ON f.c = x.c AND f.o = x.o
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_array(am.user_id, live.gateway_id) ORDER BY am.user_id, live.gateway_id)::text
             AS audience
      FROM conversation_members am
      LEFT JOIN LATERAL (
        SELECT p.gateway_id FROM user_presence p
        JOIN gateway_instances gi ON gi.id = p.gateway_id AND gi.last_beat_at >= ${freshSince}::timestamptz
        WHERE p.user_id = am.user_id AND p.sockets > 0
      ) AS live ON true
      WHERE f.o IS NOT NULL AND am.conversation_id = x.c
        AND (c.group_id IS NULL OR c.member_count <= c.super_large_threshold)
    ) AS a ON true
    ORDER BY x.o`,
  );
  const audiences = new Map<string, Audience>();
  const facts: AcceptFacts[] = [];
  const earlier: (EarlierAcceptance | undefined)[] = [];
  rows.forEach((row, index) => {
    const m = messages[index];
    if (m === undefined) return;
    if (row.audience !== null) audiences.set(m.conversationId, parseAudience(row.audience));
    facts.push({
      conversationExists: row.conversation_id !== null,
      groupId: row.group_id,
      memberCount: row.member_count ?? 2,
      superLargeThreshold: row.super_large_threshold ?? Number.MAX_SAFE_INTEGER,
      onlyAdminsCanPost: row.only_admins_can_post === true,
      role: row.role,
    });
    if (row.e_id !== null && row.e_seq !== null && row.e_created_at !== null) {
      earlier.push({
        kind: "stored",
        message: {
          message_id: toSafeNumber(row.e_id),
          conversation_id: row.e_conversation_id ?? m.conversationId,
          seq: toSafeNumber(row.e_seq),
          sender_id: m.senderId,
          client_msg_id: m.clientMsgId,
          content_type: row.e_content_type ?? m.contentType,
          content: row.e_content ?? "",
          created_at_ms: row.e_created_at.getTime(),
        },
      });
    } else if (row.k_seq !== null && row.k_message_id !== null && row.k_created_at !== null) {
      earlier.push({
        kind: "claimed",
        conversationId: row.k_conversation_id ?? m.conversationId,
        seq: toSafeNumber(row.k_seq),
        messageId: toSafeNumber(row.k_message_id),
        contentHash: row.k_content_hash ?? "",
        createdAtMs: row.k_created_at.getTime(),
      });
    } else {
      earlier.push(undefined);
    }
  });
  return { facts, earlier, audiences };
}

/** `[[userId, gatewayId | null], …]` in user order, as the facts statement aggregates it. */
function parseAudience(text: string): Audience {
  const audience: Audience = { members: [], presence: new Map() };
  for (const [userId, gatewayId] of JSON.parse(text) as [string, string | null][]) {
    if (audience.members.at(-1) !== userId) audience.members.push(userId);
    if (gatewayId === null) continue;
    const gateways = audience.presence.get(userId);
    if (gateways) gateways.push(gatewayId);
    else audience.presence.set(userId, [gatewayId]);
  }
  return audience;
}

/**
 * A unique-key violation raised by a raw statement: Prisma reports those with the SQLSTATE inside, a
 * prepared statement on PGlite as PostgreSQL's own error with its `code`.
 */
function isRawUniqueViolation(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (!(error instanceof Error)) return false;
  const { meta, code } = error as { meta?: { code?: unknown }; code?: unknown };
  return code === "23505" || meta?.code === "23505" || error.message.includes("23505");
}

/** Thrown when a concurrent acceptance stored one of the batch's messages first; the batch is retried. */
export class AcceptRaceError extends Error {
  constructor() {
    super("a concurrent acceptance stored one of these messages first");
    this.name = "AcceptRaceError";
  }
}

/**
 * Gives new messages their places and stores them, in one statement (so atomically, with no transaction
 * around it): the conversations' rows locked in id order (concurrent batches never deadlock), each
 * conversation's next seqs in batch order, message ids from `messages_id_seq`, every row inserted, and
 * each sender's read cursor moved over their own messages. A message is thus in history before anyone
 * is told of it. A concurrent acceptance that stored one of them first makes the whole statement fail
 * on the unique keys, so nothing is stored; that is raised as AcceptRaceError, and the caller asks again
 * and finds it.
 */
export async function storeAcceptedMessages(
  db: DbClient,
  messages: readonly MessageToAccept[],
  now: Date,
): Promise<ChatMessage[]> {
  if (messages.length === 0) return [];
  const conversationIds = [...new Set(messages.map((m) => m.conversationId))].sort();
  const at = now.toISOString();
  const rows = await hotQuery<{ id: bigint; seq: bigint }>(
    db,
    "gochat_store_accepted",
    Prisma.sql`
    WITH locked AS (
      SELECT id FROM conversations WHERE id = ANY(${conversationIds}::text[]) ORDER BY id FOR UPDATE
    ),
    incoming AS (
      SELECT * FROM unnest(
        ${messages.map((m) => m.conversationId)}::text[],
        ${messages.map((m) => m.senderId)}::text[],
        ${messages.map((m) => m.clientMsgId)}::text[],
        ${messages.map((m) => m.contentType)}::text[],
        ${messages.map((m) => m.content)}::text[]
      ) WITH ORDINALITY AS x(conversation_id, sender_id, client_msg_id, content_type, content, ord)
    ),
    counts AS (SELECT conversation_id AS id, count(*)::int AS n FROM incoming GROUP BY conversation_id),
    advanced AS (
      UPDATE conversations AS c
      SET last_seq = c.last_seq + k.n, last_activity_at = GREATEST(c.last_activity_at, ${at}::timestamptz)
      FROM locked AS l JOIN counts AS k ON k.id = l.id
      WHERE c.id = l.id
      RETURNING c.id, c.last_seq - k.n AS base
    ),
    placed AS (
      SELECT i.ord, i.conversation_id, i.sender_id, i.client_msg_id, i.content_type, i.content,
             a.base + row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord) AS seq,
             nextval('messages_id_seq') AS id
      FROM incoming AS i JOIN advanced AS a ON a.id = i.conversation_id
    ),
    inserted AS (
      INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, content_type, content, created_at)
      SELECT id, conversation_id, seq, sender_id, client_msg_id, content_type::"ContentType", content,
             ${at}::timestamptz
      FROM placed
      RETURNING id, conversation_id, seq, sender_id
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
    SELECT p.id, p.seq FROM placed AS p JOIN inserted AS s ON s.id = p.id ORDER BY p.ord`,
  ).catch((error: unknown) => {
    throw isRawUniqueViolation(error) ? new AcceptRaceError() : error;
  });
  if (rows.length !== messages.length) throw new Error("a conversation of the batch does not exist");
  const createdAtMs = now.getTime();
  return messages.map((m, index): ChatMessage => {
    const row = rows[index];
    if (row === undefined) throw new AcceptRaceError();
    return {
      message_id: toSafeNumber(row.id),
      conversation_id: m.conversationId,
      seq: toSafeNumber(row.seq),
      sender_id: m.senderId,
      client_msg_id: m.clientMsgId,
      content_type: m.contentType,
      content: m.content,
      created_at_ms: createdAtMs,
    };
  });
}
