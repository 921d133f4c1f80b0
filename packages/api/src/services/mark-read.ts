import { AppError } from "@gochat/contracts";
import {
  findConversation,
  isConversationMember,
  listConversationMemberIds,
  listMessagesInRange,
  lookupPresence,
  markConversationRead,
  type PrismaClient,
} from "@gochat/db/server";

export interface ReadResult {
  /** The reader's cursor after this call; beyond `seq` when a later read got there first. */
  readSeq: number;
  unreadCount: number;
  /** The id of the message at `seq`, for the `message.read` event. */
  messageId: number;
  presence: [string, string[]][];
}

/**
 * Moves a member's read cursor up to `seq` (never back) and returns who to tell. A read waits for the
 * message at `seq` to be stored: until then it is refused as UNAVAILABLE and retried, which takes
 * milliseconds, since persistence follows acceptance closely.
 */
export async function markRead(
  db: PrismaClient,
  input: { conversation_id: string; user_id: string; seq: number },
  options: { presenceTtlMs: number },
): Promise<ReadResult> {
  if (!(await isConversationMember(db, input.conversation_id, input.user_id))) {
    throw new AppError("NOT_A_MEMBER", "you are not a member of this conversation");
  }
  const conversation = await findConversation(db, input.conversation_id);
  if (conversation === null || BigInt(input.seq) > conversation.lastSeq) {
    throw new AppError("BAD_REQUEST", `seq ${input.seq} is beyond the conversation's last message`);
  }
  const [message] = await listMessagesInRange(db, input.conversation_id, {
    fromSeq: input.seq,
    toSeq: input.seq,
    limit: 1,
  });
  // A message accepted but not stored yet can be read all the same: its claim knows its id, and waiting
  // for storage would hold up every conversation on this upstream partition.
  const messageId =
    message?.message_id ??
    (
      await db.messageClaim.findFirst({
        where: { conversationId: input.conversation_id, seq: BigInt(input.seq) },
        select: { messageId: true },
      })
    )?.messageId;
  if (messageId === undefined) throw new AppError("NOT_FOUND", `there is no message ${input.seq}`);
  const state = await markConversationRead(db, input.conversation_id, input.user_id, input.seq);
  const members = await listConversationMemberIds(db, input.conversation_id);
  const presence = await lookupPresence(db, members, { ttlMs: options.presenceTtlMs });
  return { ...state, messageId: Number(messageId), presence: [...presence] };
}
