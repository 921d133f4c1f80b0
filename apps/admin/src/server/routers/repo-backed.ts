import { z } from "zod";
import { fromRepo, repoClient } from "../repo-client";
import { adminProcedure, router } from "../trpc";

const entityId = z.string().min(1).max(64);

/**
 * Users, audit log, fan-out tasks and notifications come from im-repo's admin router, called as the
 * signed-in admin.
 */
export const usersRouter = router({
  find: adminProcedure
    .input(z.object({ text: z.string().trim().max(100).default("") }))
    .query(({ ctx, input }) => fromRepo(repoClient(ctx.session.accessToken).admin.users.find.query(input))),
  detail: adminProcedure
    .input(z.object({ userId: entityId }))
    .query(({ ctx, input }) => fromRepo(repoClient(ctx.session.accessToken).admin.users.detail.query(input))),
  signOutEverywhere: adminProcedure
    .input(z.object({ userId: entityId }))
    .mutation(({ ctx, input }) =>
      fromRepo(repoClient(ctx.session.accessToken).admin.users.signOutEverywhere.mutate(input)),
    ),
  setDisabled: adminProcedure
    .input(z.object({ userId: entityId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      fromRepo(repoClient(ctx.session.accessToken).admin.users.setDisabled.mutate(input)),
    ),
});

export const auditRouter = router({
  list: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => fromRepo(repoClient(ctx.session.accessToken).admin.audit.list.query(input))),
});

export const fanoutRouter = router({
  list: adminProcedure
    .input(z.object({ status: z.enum(["pending", "running", "completed", "failed"]).optional() }))
    .query(({ ctx, input }) =>
      fromRepo(repoClient(ctx.session.accessToken).admin.fanoutTasks.list.query({ limit: 100, ...input })),
    ),
});

export const notificationsRouter = router({
  summary: adminProcedure
    .input(
      z.object({
        windowMs: z
          .number()
          .int()
          .min(60_000)
          .max(90 * 86_400_000)
          .optional(),
      }),
    )
    .query(({ ctx, input }) =>
      fromRepo(repoClient(ctx.session.accessToken).admin.notifications.summary.query(input)),
    ),
  failedEmails: adminProcedure.query(({ ctx }) =>
    fromRepo(repoClient(ctx.session.accessToken).admin.notifications.failedEmails.query({ limit: 200 })),
  ),
  retryEmail: adminProcedure
    .input(z.object({ notificationId: entityId }))
    .mutation(({ ctx, input }) =>
      fromRepo(repoClient(ctx.session.accessToken).admin.notifications.retryEmail.mutate(input)),
    ),
});
