import { AppError, entityId } from "@gochat/contracts";
import { listFailedDeliveries, retryDeliveryNow, summarizeNotifications } from "@gochat/db/server";
import { z } from "zod";
import { auditByCaller } from "../../services/user-admin";
import { adminProcedure, router } from "../../trpc";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Notifications as the console shows them: counts, failed e-mails, and a retry that is audited. */
export const adminNotificationsRouter = router({
  /** Notifications per type and deliveries per channel and outcome, of those created in the window. */
  summary: adminProcedure
    .input(
      z.object({
        windowMs: z
          .number()
          .int()
          .min(60_000)
          .max(90 * DAY_MS)
          .default(DAY_MS),
      }),
    )
    .query(async ({ ctx, input }) => ({
      windowMs: input.windowMs,
      ...(await summarizeNotifications(ctx.db, new Date(Date.now() - input.windowMs))),
    })),

  failedEmails: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(async ({ ctx, input }) => {
      const failed = await listFailedDeliveries(ctx.db, { channel: "email", limit: input.limit });
      return failed.map((delivery) => ({
        notificationId: delivery.notificationId,
        eventId: delivery.notification.eventId,
        type: delivery.notification.type,
        userId: delivery.notification.userId,
        username: delivery.notification.user.username,
        email: delivery.notification.user.email,
        attempts: delivery.attempts,
        lastError: delivery.lastError,
        failedAt: delivery.updatedAt.getTime(),
        /** Null once notification-service has given up on it. */
        nextAttemptAt: delivery.nextAttemptAt?.getTime() ?? null,
        createdAt: delivery.notification.createdAt.getTime(),
      }));
    }),

  /** Makes a failed e-mail due now; notification-service takes it on its next poll. */
  retryEmail: adminProcedure
    .input(z.object({ notificationId: entityId }))
    .mutation(async ({ ctx, input }) => {
      if (!(await retryDeliveryNow(ctx.db, { notificationId: input.notificationId, channel: "email" }))) {
        throw new AppError("NOT_FOUND", "no failed e-mail for this notification");
      }
      await auditByCaller(ctx, {
        action: "notification.email.retry",
        target: input.notificationId,
        details: {},
      });
      return { isScheduled: true };
    }),
});
