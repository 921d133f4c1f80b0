import { AppError, TOPICS } from "@gochat/contracts";
import {
  claimDeadLetter,
  findDeadLetterResolutions,
  finishDeadLetterReplay,
  releaseDeadLetterReplay,
  type DeadLetterAction,
  type DeadLetterKey,
} from "@gochat/db/server";
import { actorName, type AdminContext } from "./user-admin";

export interface DeadLetterResolutionView {
  partition: number;
  offset: string;
  action: DeadLetterAction;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  /** Where the replayed copy landed on the source topic; null while the send is unconfirmed. */
  replayedOffset: string | null;
  actorName: string;
  at: number;
  replayedAt: number | null;
}

type Resolution = Awaited<ReturnType<typeof findDeadLetterResolutions>>[number];

function toView(resolution: Resolution): DeadLetterResolutionView {
  return {
    partition: resolution.partition,
    offset: resolution.offset.toString(),
    action: resolution.action === "replayed" ? "replayed" : "discarded",
    sourceTopic: resolution.sourceTopic,
    sourcePartition: resolution.sourcePartition,
    sourceOffset: resolution.sourceOffset?.toString() ?? null,
    replayedOffset: resolution.replayedOffset?.toString() ?? null,
    actorName: resolution.actorName,
    at: resolution.createdAt.getTime(),
    replayedAt: resolution.replayedAt?.getTime() ?? null,
  };
}

/** How the audit log names a dead letter: the dead-letter topic, its partition and offset. */
export function deadLetterTarget(key: { partition: number; offset: bigint | string }): string {
  return `${TOPICS.deadLetter.name}/${key.partition}/${key.offset.toString()}`;
}

export interface ClaimRequest {
  partition: number;
  offset: bigint;
  action: DeadLetterAction;
  source: { topic: string; partition: number; offset: bigint } | null;
  details: Record<string, string | number | boolean | null>;
}

/**
 * Claims a dead letter for a replay or a discard, once, with its audit entry. A dead letter already
 * claimed is refused with who did what, and when.
 */
export async function claimDeadLetterByCaller(
  ctx: AdminContext,
  request: ClaimRequest,
): Promise<DeadLetterResolutionView> {
  const target = deadLetterTarget(request);
  const outcome = await claimDeadLetter(ctx.db, {
    partition: request.partition,
    offset: request.offset,
    action: request.action,
    source: request.source,
    actorId: ctx.auth.userId,
    actorName: await actorName(ctx),
    auditTarget: target,
    auditDetails: {
      ...request.details,
      ...(request.source === null
        ? {}
        : {
            sourceTopic: request.source.topic,
            sourcePartition: request.source.partition,
            sourceOffset: request.source.offset.toString(),
          }),
    },
  });
  if (outcome.isClaimed) return toView(outcome.resolution);
  const earlier = toView(outcome.existing);
  throw new AppError(
    "CONFLICT",
    `dead letter ${target} was already ${earlier.action} by ${earlier.actorName} at ${new Date(earlier.at).toISOString()}`,
    { details: { resolution: earlier } },
  );
}

export async function finishReplay(
  ctx: AdminContext,
  key: DeadLetterKey,
  replayedOffset: bigint,
): Promise<DeadLetterResolutionView> {
  const resolution = await finishDeadLetterReplay(ctx.db, key, replayedOffset);
  if (resolution === null) {
    throw new AppError("NOT_FOUND", `no unfinished replay of ${deadLetterTarget(key)}`);
  }
  return toView(resolution);
}

export async function releaseReplay(ctx: AdminContext, key: DeadLetterKey, error: string): Promise<boolean> {
  return releaseDeadLetterReplay(ctx.db, key, {
    actorId: ctx.auth.userId,
    actorName: await actorName(ctx),
    target: deadLetterTarget(key),
    error,
  });
}

export async function listResolutions(
  ctx: AdminContext,
  keys: readonly DeadLetterKey[],
): Promise<DeadLetterResolutionView[]> {
  return (await findDeadLetterResolutions(ctx.db, keys)).map(toView);
}
