import { AppError } from "@gochat/contracts";
import {
  findMessage,
  getGroupMemberRole,
  listConversationMemberIds,
  lookupPresence,
  recallMessage,
  type PrismaClient,
} from "@gochat/db/server";

export interface RecallResult {
  seq: number;
  presence: [string, string[]][];
}

/**
 * Recalls a message for a member of its conversation: the sender within the recall window, or a group's
 * owner or admins at any time. A message not stored yet is refused as UNAVAILABLE and retried.
 */
export async function recallForMember(
  db: PrismaClient,
  input: { conversation_id: string; operator_id: string; message_id: number; requested_at_ms: number },
  options: { windowMs: number; presenceTtlMs: number },
): Promise<RecallResult> {
  const role = await getGroupMemberRole(db, input.conversation_id, input.operator_id);
  if (role === null) throw new AppError("NOT_A_MEMBER", "you are not a member of this conversation");
  const stored = await findMessage(db, input.message_id);
  if (stored === null) {
    const claimed = await db.messageClaim.findFirst({
      where: { conversationId: input.conversation_id, messageId: BigInt(input.message_id) },
      select: { seq: true },
    });
    if (claimed !== null) throw new AppError("UNAVAILABLE", `message ${input.message_id} is not stored yet`);
    throw new AppError("NOT_FOUND", "no such message");
  }
  if (stored.conversation_id !== input.conversation_id) throw new AppError("NOT_FOUND", "no such message");
  // Moderation exists in groups only: their owner and admins may recall anyone's message.
  const conversationIsGroup = (await db.group.count({ where: { id: input.conversation_id } })) > 0;
  const asModerator = conversationIsGroup && (role === "owner" || role === "admin");
  const recalled = await recallMessage(db, {
    messageId: input.message_id,
    operatorId: input.operator_id,
    windowMs: options.windowMs,
    asModerator,
    now: new Date(input.requested_at_ms),
  });
  const members = await listConversationMemberIds(db, input.conversation_id);
  const presence = await lookupPresence(db, members, { ttlMs: options.presenceTtlMs });
  return { seq: recalled.seq, presence: [...presence] };
}
