import { entityId } from "@gochat/contracts";
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
  readNotificationPrefs,
  writeNotificationPrefs,
} from "@gochat/db/server";
import { z } from "zod";
import { authedProcedure, router } from "../../trpc";

const notificationType = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z]+(\.[a-z]+)+$/, "must look like group.invited");

export const notificationsRouter = router({
  /** The caller's inbox, newest first; pass the last item's `createdAt` as `before` for the next page. */
  list: authedProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(100).default(30),
        before: z.number().int().optional(),
        unreadOnly: z.boolean().default(false),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await listNotifications(ctx.db, ctx.auth.userId, {
        limit: input.limit,
        unreadOnly: input.unreadOnly,
        ...(input.before === undefined ? {} : { before: new Date(input.before) }),
      });
      return rows.map((row) => ({
        notificationId: row.id,
        type: row.type,
        payload: row.payload as Record<string, unknown>,
        createdAt: row.createdAt.getTime(),
        readAt: row.readAt?.getTime() ?? null,
      }));
    }),

  unreadCount: authedProcedure.query(async ({ ctx }) => ({
    unread: await countUnreadNotifications(ctx.db, ctx.auth.userId),
  })),

  /** Marks the given notifications read, or all of them when no ids are given. */
  markRead: authedProcedure
    .input(z.object({ notificationIds: z.array(entityId).max(500).optional() }))
    .mutation(async ({ ctx, input }) => ({
      marked: await markNotificationsRead(ctx.db, ctx.auth.userId, input.notificationIds),
    })),

  /** Per notification type, the channels the caller wants; a channel not mentioned is on. */
  preferences: authedProcedure.query(
    async ({ ctx }) => (await readNotificationPrefs(ctx.db, ctx.auth.userId))?.prefs ?? {},
  ),

  setPreference: authedProcedure
    .input(z.object({ type: notificationType, email: z.boolean().optional(), push: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const prefs = (await readNotificationPrefs(ctx.db, ctx.auth.userId))?.prefs ?? {};
      const current = prefs[input.type] ?? {};
      prefs[input.type] = {
        ...current,
        ...(input.email === undefined ? {} : { email: input.email }),
        ...(input.push === undefined ? {} : { push: input.push }),
      };
      await writeNotificationPrefs(ctx.db, ctx.auth.userId, prefs);
      return prefs;
    }),
});
