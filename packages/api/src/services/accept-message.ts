import { createHash } from "node:crypto";
import { AppError, type ChatMessage, type ContentType } from "@gochat/contracts";
import {
  claimMessage,
  findConversation,
  findGroup,
  getGroupMemberRole,
  isSuperLargeGroup,
  listConversationMemberIds,
  lookupPresence,
  type PrismaClient,
} from "@gochat/db/server";

export interface AcceptMessageInput {
  conversation_id: string;
  sender_id: string;
  client_msg_id: string;
  content_type: ContentType;
  content: string;
}

export interface AcceptedMessage {
  status: "accepted" | "duplicate";
  message: ChatMessage;
  groupId: string | null;
  memberCount: number;
  superLargeThreshold: number;
  /** Every member, for inline delivery; empty for a super-large group, whose members im-task pages. */
  members: string[];
  /** Online members and their gateway instances, as [userId, instanceIds] pairs. */
  presence: [string, string[]][];
}

/**
 * Everything im-logic must know to accept a message, in one call: the sender may post here, the message
 * gets its seq and id (the same ones again for a client message id seen before), and who is online where.
 */
export async function acceptMessage(
  db: PrismaClient,
  input: AcceptMessageInput,
  options: { presenceTtlMs: number },
): Promise<AcceptedMessage> {
  const conversation = await findConversation(db, input.conversation_id);
  if (conversation === null) throw new AppError("NOT_FOUND", "no such conversation");
  const group = conversation.kind === "group" ? await findGroup(db, conversation.id) : null;
  const role = await getGroupMemberRole(db, conversation.id, input.sender_id);
  if (role === null) throw new AppError("NOT_A_MEMBER", "you are not a member of this conversation");
  if (group?.onlyAdminsCanPost === true && role === "member") {
    throw new AppError("FORBIDDEN", "only the group's owner and admins may post here");
  }
  const claim = await claimMessage(db, {
    conversationId: input.conversation_id,
    senderId: input.sender_id,
    clientMsgId: input.client_msg_id,
    contentHash: createHash("sha256").update(`${input.content_type}\u0000${input.content}`).digest("hex"),
  });
  const message: ChatMessage = {
    message_id: claim.messageId,
    conversation_id: input.conversation_id,
    seq: claim.seq,
    sender_id: input.sender_id,
    client_msg_id: input.client_msg_id,
    content_type: input.content_type,
    content: input.content,
    created_at_ms: claim.createdAtMs,
  };
  const memberCount = group?.memberCount ?? 2;
  const superLargeThreshold = group?.superLargeThreshold ?? Number.MAX_SAFE_INTEGER;
  if (group !== null && isSuperLargeGroup(group)) {
    return {
      status: claim.status,
      message,
      groupId: group.id,
      memberCount,
      superLargeThreshold,
      members: [],
      presence: [],
    };
  }
  const members = await listConversationMemberIds(db, input.conversation_id);
  const presence = await lookupPresence(db, members, { ttlMs: options.presenceTtlMs });
  return {
    status: claim.status,
    message,
    groupId: group?.id ?? null,
    memberCount,
    superLargeThreshold,
    members,
    presence: [...presence],
  };
}
