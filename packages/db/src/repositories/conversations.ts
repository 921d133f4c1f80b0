import { AppError } from "@gochat/contracts";
import type { Conversation, ConversationKind, MemberRole } from "../generated/prisma/client";
import { isUniqueViolation, toSafeNumber, type DbClient } from "./db-client";

/** Both ids sorted, so (a, b) and (b, a) name the same direct conversation. */
export function directConversationKey(userId: string, otherId: string): string {
  return [userId, otherId].sort().join(":");
}

/**
 * The one direct conversation between two users, created on first use. Two concurrent first messages
 * race on the unique direct key; the loser reads the winner's row.
 */
export async function getOrCreateDirectConversation(
  db: DbClient,
  userId: string,
  otherId: string,
): Promise<Conversation> {
  if (userId === otherId)
    throw new AppError("BAD_REQUEST", "A direct conversation needs two different users.");
  const directKey = directConversationKey(userId, otherId);
  const existing = await db.conversation.findUnique({ where: { directKey } });
  if (existing) return existing;
  try {
    return await db.conversation.create({
      data: {
        kind: "direct",
        directKey,
        members: { create: [{ userId }, { userId: otherId }] },
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.conversation.findUnique({ where: { directKey } });
    if (!winner) throw error;
    return winner;
  }
}

export function findConversation(db: DbClient, conversationId: string): Promise<Conversation | null> {
  return db.conversation.findUnique({ where: { id: conversationId } });
}

export async function isConversationMember(
  db: DbClient,
  conversationId: string,
  userId: string,
): Promise<boolean> {
  const member = await db.conversationMember.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { userId: true },
  });
  return member !== null;
}

/** Every member id: for inline fan-out of direct and small-group messages. Page large groups instead. */
export async function listConversationMemberIds(db: DbClient, conversationId: string): Promise<string[]> {
  const rows = await db.conversationMember.findMany({
    where: { conversationId },
    select: { userId: true },
    orderBy: { userId: "asc" },
  });
  return rows.map((row) => row.userId);
}

export type ConversationSummary = {
  conversationId: string;
  kind: ConversationKind;
  role: MemberRole;
  lastSeq: number;
  readSeq: number;
  unreadCount: number;
  lastActivityAt: Date;
  /** The other participant of a direct conversation. */
  peerId: string | null;
  /** How far the other participant of a direct conversation has read; null for groups. */
  peerReadSeq: number | null;
  group: { name: string; memberCount: number; avatarColor: string } | null;
};

/**
 * A user's conversations, most recently active first, with unread counts. Unread is last_seq - read_seq:
 * a sender's own messages advance their read cursor when persisted (insertMessages), so they never count.
 */
export async function listConversationsForUser(
  db: DbClient,
  userId: string,
  options: { limit?: number; activeBefore?: Date } = {},
): Promise<ConversationSummary[]> {
  const rows = await db.conversationMember.findMany({
    where: {
      userId,
      ...(options.activeBefore ? { conversation: { lastActivityAt: { lt: options.activeBefore } } } : {}),
    },
    orderBy: [{ conversation: { lastActivityAt: "desc" } }, { conversationId: "asc" }],
    take: options.limit ?? 50,
    include: {
      conversation: {
        include: {
          group: { select: { name: true, memberCount: true, avatarColor: true } },
          members: { where: { userId: { not: userId } }, select: { userId: true, readSeq: true }, take: 1 },
        },
      },
    },
  });
  return rows.map((row) => {
    const lastSeq = toSafeNumber(row.conversation.lastSeq);
    const readSeq = toSafeNumber(row.readSeq);
    const direct = row.conversation.kind === "direct";
    const peer = row.conversation.members[0];
    return {
      conversationId: row.conversationId,
      kind: row.conversation.kind,
      role: row.role,
      lastSeq,
      readSeq,
      unreadCount: Math.max(0, lastSeq - readSeq),
      lastActivityAt: row.conversation.lastActivityAt,
      peerId: direct ? (peer?.userId ?? null) : null,
      peerReadSeq: direct && peer ? toSafeNumber(peer.readSeq) : null,
      group: row.conversation.group,
    };
  });
}

/** The other participants of a user's direct conversations. */
export async function listDirectPeers(db: DbClient, userId: string): Promise<string[]> {
  const rows = await db.conversationMember.findMany({
    where: { userId: { not: userId }, conversation: { kind: "direct", members: { some: { userId } } } },
    select: { userId: true },
  });
  return [...new Set(rows.map((row) => row.userId))];
}

/** Moves a member's read cursor forward (never back); returns the cursor and what is still unread. */
export async function markConversationRead(
  db: DbClient,
  conversationId: string,
  userId: string,
  seq: number,
  now: Date = new Date(),
): Promise<{ readSeq: number; unreadCount: number }> {
  await db.conversationMember.updateMany({
    where: { conversationId, userId, readSeq: { lt: BigInt(seq) } },
    data: { readSeq: BigInt(seq), readAt: now },
  });
  return getReadState(db, conversationId, userId);
}

export async function getReadState(
  db: DbClient,
  conversationId: string,
  userId: string,
): Promise<{ readSeq: number; unreadCount: number }> {
  const member = await db.conversationMember.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    include: { conversation: { select: { lastSeq: true } } },
  });
  if (!member) throw new AppError("NOT_A_MEMBER", "Not a member of this conversation.");
  const readSeq = toSafeNumber(member.readSeq);
  return { readSeq, unreadCount: Math.max(0, toSafeNumber(member.conversation.lastSeq) - readSeq) };
}

/**
 * For each seq in a range, how many members other than its sender have read it ("read by N" in a group):
 * one pass over the members' read cursors, counted per message.
 */
export async function countReaders(
  db: DbClient,
  conversationId: string,
  range: { fromSeq: number; toSeq: number },
): Promise<{ seq: number; readers: number }[]> {
  const rows = await db.$queryRaw<{ seq: bigint; readers: bigint }[]>`
    SELECT m.seq, COUNT(cm.user_id) AS readers
    FROM messages m
    LEFT JOIN conversation_members cm
      ON cm.conversation_id = m.conversation_id AND cm.read_seq >= m.seq AND cm.user_id <> m.sender_id
    WHERE m.conversation_id = ${conversationId} AND m.seq BETWEEN ${range.fromSeq} AND ${range.toSeq}
    GROUP BY m.seq
    ORDER BY m.seq`;
  return rows.map((row) => ({ seq: toSafeNumber(row.seq), readers: Number(row.readers) }));
}
