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

/**
 * Adds one batch's counts, and its online recipients per gateway instance; increments in one statement,
 * so concurrent batch workers never overwrite each other.
 */
export async function recordFanoutProgress(
  db: DbClient,
  taskId: string,
  batch: {
    recipients: number;
    onlineRecipients: number;
    batches?: number;
    byGateway?: Readonly<Record<string, number>>;
  },
  now: Date = new Date(),
): Promise<FanoutTask> {
  const byGateway = JSON.stringify(batch.byGateway ?? {});
  const updated = await db.$executeRaw`
    UPDATE fanout_tasks SET
      processed_recipients = processed_recipients + ${batch.recipients},
      online_recipients = online_recipients + ${batch.onlineRecipients},
      batches_done = batches_done + ${batch.batches ?? 1},
      deliveries_by_gateway = deliveries_by_gateway || (
        SELECT coalesce(
          jsonb_object_agg(added.key, coalesce((deliveries_by_gateway ->> added.key)::int, 0) + added.value::int),
          '{}'::jsonb
        )
        FROM jsonb_each_text(${byGateway}::jsonb) AS added
      ),
      updated_at = ${now}
    WHERE id = ${taskId}`;
  if (updated === 0) throw new Error(`no fan-out task ${taskId}`);
  return db.fanoutTask.findUniqueOrThrow({ where: { id: taskId } });
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
