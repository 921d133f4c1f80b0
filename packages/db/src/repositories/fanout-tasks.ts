import type { FanoutStatus, FanoutTask } from "../generated/prisma/client";
import type { DbClient } from "./db-client";

export type CreateFanoutTaskInput = {
  taskId: string;
  groupId: string;
  messageId: number;
  totalRecipients: number;
  batchesTotal: number;
  createdAt?: Date;
};

/** Records a fan-out task once: a redelivered task keeps the existing record and its progress. */
export async function createFanoutTask(db: DbClient, input: CreateFanoutTaskInput): Promise<FanoutTask> {
  await db.fanoutTask.createMany({
    data: [
      {
        id: input.taskId,
        groupId: input.groupId,
        messageId: BigInt(input.messageId),
        totalRecipients: input.totalRecipients,
        batchesTotal: input.batchesTotal,
        ...(input.createdAt ? { createdAt: input.createdAt } : {}),
      },
    ],
    skipDuplicates: true,
  });
  return db.fanoutTask.findUniqueOrThrow({ where: { id: input.taskId } });
}

export async function startFanoutTask(
  db: DbClient,
  taskId: string,
  now: Date = new Date(),
): Promise<FanoutTask> {
  await db.fanoutTask.updateMany({
    where: { id: taskId, status: "pending" },
    data: { status: "running", startedAt: now, updatedAt: now },
  });
  return db.fanoutTask.findUniqueOrThrow({ where: { id: taskId } });
}

/** Adds one batch's counts; increments, so concurrent batch workers never overwrite each other. */
export function recordFanoutProgress(
  db: DbClient,
  taskId: string,
  batch: { recipients: number; onlineRecipients: number; batches?: number },
): Promise<FanoutTask> {
  return db.fanoutTask.update({
    where: { id: taskId },
    data: {
      processedRecipients: { increment: batch.recipients },
      onlineRecipients: { increment: batch.onlineRecipients },
      batchesDone: { increment: batch.batches ?? 1 },
      updatedAt: new Date(),
    },
  });
}

export function finishFanoutTask(
  db: DbClient,
  taskId: string,
  outcome: { status: Extract<FanoutStatus, "completed" | "failed">; error?: string },
  now: Date = new Date(),
): Promise<FanoutTask> {
  return db.fanoutTask.update({
    where: { id: taskId },
    data: {
      status: outcome.status,
      error: outcome.error?.slice(0, 1000) ?? null,
      finishedAt: now,
      updatedAt: now,
    },
  });
}

export function findFanoutTask(db: DbClient, taskId: string): Promise<FanoutTask | null> {
  return db.fanoutTask.findUnique({ where: { id: taskId } });
}

/** The admin console's task list, newest first; `before` pages by createdAt. */
export function listFanoutTasks(
  db: DbClient,
  options: { limit?: number; status?: FanoutStatus; groupId?: string; before?: Date } = {},
): Promise<FanoutTask[]> {
  return db.fanoutTask.findMany({
    where: {
      ...(options.status ? { status: options.status } : {}),
      ...(options.groupId ? { groupId: options.groupId } : {}),
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: options.limit ?? 50,
  });
}
