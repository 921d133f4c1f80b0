import type { DeadLetterResolution, PrismaClient } from "../generated/prisma/client";
import { recordAudit } from "./audit-log";
import { isUniqueViolation, type DbClient } from "./db-client";

export type DeadLetterAction = "replayed" | "discarded";

/** A record on gochat.dead-letter, by its own coordinates. */
export interface DeadLetterKey {
  partition: number;
  offset: bigint;
}

export interface DeadLetterClaim extends DeadLetterKey {
  action: DeadLetterAction;
  source: { topic: string; partition: number; offset: bigint } | null;
  actorId: string | null;
  actorName: string;
  /** Written to the audit log with the claim, in the same transaction. */
  auditTarget: string;
  auditDetails: Record<string, string | number | boolean | null>;
}

// Callers pass wider objects (requests); Prisma refuses unknown fields in a where clause.
function keyOf(at: DeadLetterKey): DeadLetterKey {
  return { partition: at.partition, offset: at.offset };
}

export type ClaimOutcome =
  | { isClaimed: true; resolution: DeadLetterResolution }
  | { isClaimed: false; existing: DeadLetterResolution };

/**
 * Records that an admin replayed or discarded a dead letter, with its audit entry, once: the primary key
 * on the dead letter's partition and offset refuses a second claim, whoever makes it and however
 * concurrently, and the earlier one is returned instead.
 */
export async function claimDeadLetter(db: PrismaClient, claim: DeadLetterClaim): Promise<ClaimOutcome> {
  const key = keyOf(claim);
  try {
    const resolution = await db.$transaction(async (tx) => {
      const created = await tx.deadLetterResolution.create({
        data: {
          ...key,
          action: claim.action,
          sourceTopic: claim.source?.topic ?? null,
          sourcePartition: claim.source?.partition ?? null,
          sourceOffset: claim.source?.offset ?? null,
          actorId: claim.actorId,
          actorName: claim.actorName.slice(0, 64),
        },
      });
      await recordAudit(tx, {
        actorId: claim.actorId,
        actorName: claim.actorName,
        action: `dead-letter.${claim.action}`,
        target: claim.auditTarget,
        details: claim.auditDetails,
      });
      return created;
    });
    return { isClaimed: true, resolution };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.deadLetterResolution.findUnique({ where: { partition_offset: key } });
    if (existing === null) throw error;
    return { isClaimed: false, existing };
  }
}

/** The offset the broker gave the replayed copy. */
export async function finishDeadLetterReplay(
  db: DbClient,
  at: DeadLetterKey,
  replayedOffset: bigint,
): Promise<DeadLetterResolution | null> {
  const key = keyOf(at);
  const { count } = await db.deadLetterResolution.updateMany({
    where: { ...key, action: "replayed", replayedOffset: null },
    data: { replayedOffset, replayedAt: new Date() },
  });
  if (count === 0) return null;
  return db.deadLetterResolution.findUnique({ where: { partition_offset: key } });
}

/**
 * Gives up a replay claim whose send failed, so it can be tried again; recorded in the audit log. A claim
 * whose copy was acknowledged is never released.
 */
export async function releaseDeadLetterReplay(
  db: PrismaClient,
  at: DeadLetterKey,
  audit: { actorId: string | null; actorName: string; target: string; error: string },
): Promise<boolean> {
  const key = keyOf(at);
  return db.$transaction(async (tx) => {
    const { count } = await tx.deadLetterResolution.deleteMany({
      where: { ...key, action: "replayed", replayedOffset: null },
    });
    if (count > 0) {
      await recordAudit(tx, {
        actorId: audit.actorId,
        actorName: audit.actorName,
        action: "dead-letter.replay-failed",
        target: audit.target,
        details: { error: audit.error.slice(0, 2000) },
      });
    }
    return count > 0;
  });
}

export function findDeadLetterResolutions(
  db: DbClient,
  keys: readonly DeadLetterKey[],
): Promise<DeadLetterResolution[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return db.deadLetterResolution.findMany({
    where: { OR: keys.map(keyOf) },
  });
}
