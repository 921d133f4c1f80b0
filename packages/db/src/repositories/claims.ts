import { AppError } from "@gochat/contracts";
import type { PrismaClient } from "../generated/prisma/client";
import { isUniqueViolation, toSafeNumber } from "./db-client";
import { allocateSequence, nextMessageIds } from "./messages";

export type MessageClaimResult = {
  /** `duplicate` when this sender's client message id was accepted before. */
  status: "accepted" | "duplicate";
  seq: number;
  messageId: number;
  createdAtMs: number;
};

/**
 * Gives a sender's message its place: the next seq of the conversation and a message id, recorded against
 * the sender's client message id in one transaction. Asking again for the same client message id, after a
 * crash or a client's resend, returns the same seq and id, and no seq is ever taken without its claim, so a
 * conversation's sequence has no holes from retries.
 */
export async function claimMessage(
  db: PrismaClient,
  input: {
    conversationId: string;
    senderId: string;
    clientMsgId: string;
    /** Identifies the message's content; a resend under the same client message id must match it. */
    contentHash?: string;
    now?: Date;
  },
): Promise<MessageClaimResult> {
  const key = { senderId: input.senderId, clientMsgId: input.clientMsgId };
  const existing = await db.messageClaim.findUnique({ where: { senderId_clientMsgId: key } });
  if (existing) return toDuplicate(existing, input);
  try {
    return await db.$transaction(async (tx) => {
      const { last: seq } = await allocateSequence(tx, input.conversationId);
      const [messageId] = await nextMessageIds(tx, 1);
      const claim = await tx.messageClaim.create({
        data: {
          ...key,
          conversationId: input.conversationId,
          seq: BigInt(seq),
          messageId: BigInt(messageId ?? 0),
          contentHash: input.contentHash ?? "",
          createdAt: input.now ?? new Date(),
        },
      });
      return toResult("accepted", claim);
    });
  } catch (error) {
    // A concurrent claim of the same id won; its transaction holds the seq, this one rolled back.
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.messageClaim.findUnique({ where: { senderId_clientMsgId: key } });
    if (!winner) throw error;
    return toDuplicate(winner, input);
  }
}

/** A client message id names one message of one conversation; reusing it elsewhere is a client bug. */
function toDuplicate(
  claim: { conversationId: string; seq: bigint; messageId: bigint; contentHash: string; createdAt: Date },
  input: { conversationId: string; contentHash?: string },
): MessageClaimResult {
  if (claim.conversationId !== input.conversationId) {
    throw new AppError(
      "CONFLICT",
      "this client message id was already used for a message in another conversation",
    );
  }
  // Otherwise a resend could show live recipients a text that history, which kept the first, never shows.
  if (
    claim.contentHash !== "" &&
    input.contentHash !== undefined &&
    claim.contentHash !== input.contentHash
  ) {
    throw new AppError("CONFLICT", "this client message id was already used for a different message");
  }
  return toResult("duplicate", claim);
}

function toResult(
  status: MessageClaimResult["status"],
  claim: { seq: bigint; messageId: bigint; createdAt: Date },
): MessageClaimResult {
  return {
    status,
    seq: toSafeNumber(claim.seq),
    messageId: toSafeNumber(claim.messageId),
    createdAtMs: claim.createdAt.getTime(),
  };
}

/** Forgets claims older than the de-duplication window; the stored messages keep their own unique keys. */
export async function pruneMessageClaims(db: PrismaClient, olderThan: Date): Promise<number> {
  const result = await db.messageClaim.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return result.count;
}
