import { findFanoutTask, listFanoutTasks } from "@gochat/db/server";
import { AppError } from "@gochat/contracts";
import type { FanoutTask } from "@gochat/db";
import { z } from "zod";
import { adminProcedure, router } from "../../trpc";

function toTaskView(task: FanoutTask) {
  return {
    id: task.id,
    groupId: task.groupId,
    messageId: task.messageId.toString(),
    status: task.status,
    totalRecipients: task.totalRecipients,
    processedRecipients: task.processedRecipients,
    onlineRecipients: task.onlineRecipients,
    batchesTotal: task.batchesTotal,
    batchesDone: task.batchesDone,
    deliveriesByGateway: task.deliveriesByGateway as Record<string, number>,
    error: task.error,
    createdAt: task.createdAt.getTime(),
    startedAt: task.startedAt?.getTime() ?? null,
    finishedAt: task.finishedAt?.getTime() ?? null,
    updatedAt: task.updatedAt.getTime(),
  };
}

export const adminFanoutTasksRouter = router({
  list: adminProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        status: z.enum(["pending", "running", "completed", "failed"]).optional(),
        groupId: z.string().min(1).max(64).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      (
        await listFanoutTasks(ctx.db, {
          limit: input.limit,
          ...(input.status === undefined ? {} : { status: input.status }),
          ...(input.groupId === undefined ? {} : { groupId: input.groupId }),
        })
      ).map(toTaskView),
    ),

  get: adminProcedure.input(z.object({ taskId: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const task = await findFanoutTask(ctx.db, input.taskId);
    if (task === null) throw new AppError("NOT_FOUND", "no such fan-out task");
    return toTaskView(task);
  }),
});
