import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { EVENT_TYPES } from "../../lib/event-types";
import { readAdminEnv } from "../env";
import { fetchChecked } from "../fetch-checked";
import { eventTail } from "../kafka";
import { fromRepo, repoClient } from "../repo-client";
import { adminProcedure, router } from "../trpc";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What analytics' `GET /stats` answers, the part the events page shows, checked before it is passed on. */
const stats = z.object({
  onlineUsers: z.number(),
  peakOnlineUsers: z.number(),
  onlineTimeline: z.array(z.object({ at: z.string(), users: z.number() })),
  messages: z.object({ sent: z.number(), read: z.number(), recalled: z.number(), readRate: z.number() }),
  since: z.string().nullable(),
});

export const eventsRouter = router({
  /**
   * The newest user and message events held by the console's tail of `gochat.user-events` and
   * `gochat.message-events`, filtered; `user` is a username or a user id. Each event names its user.
   */
  list: adminProcedure
    .input(
      z.object({
        user: z.string().trim().max(64).optional(),
        conversationId: z.string().trim().min(1).max(64).optional(),
        types: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
        sinceMs: z.number().int().nonnegative().optional(),
        untilMs: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      }),
    )
    .query(async ({ ctx, input }) => {
      const repo = repoClient(ctx.session.accessToken).admin.users;
      let userIds: string[] | undefined;
      if (input.user !== undefined && input.user !== "") {
        const named = await fromRepo(repo.byUsername.query({ username: input.user }));
        userIds = [...(named === null ? [] : [named.id]), ...(UUID.test(input.user) ? [input.user] : [])];
      }
      const tail = await eventTail().catch((error: unknown) => {
        throw new TRPCError({
          code: "INTERNAL_SERVER_ERROR",
          message: `the event stream could not start: ${error instanceof Error ? error.message : String(error)}`,
        });
      });
      const page = tail.query({
        ...(userIds === undefined ? {} : { userIds }),
        ...(input.conversationId === undefined ? {} : { conversationId: input.conversationId }),
        ...(input.types === undefined ? {} : { types: input.types }),
        ...(input.sinceMs === undefined ? {} : { sinceMs: input.sinceMs }),
        ...(input.untilMs === undefined ? {} : { untilMs: input.untilMs }),
        limit: input.limit,
      });
      const ids = [...new Set(page.events.map((event) => event.userId))];
      const names = ids.length === 0 ? [] : await fromRepo(repo.names.query({ userIds: ids.slice(0, 500) }));
      const byId = new Map(names.map((user) => [user.id, user]));
      return {
        ...page,
        events: page.events.map((event) => ({
          ...event,
          username: byId.get(event.userId)?.username ?? null,
        })),
      };
    }),

  /** Online users over time and the read rate, from analytics (`GOCHAT_ANALYTICS_URL`). */
  figures: adminProcedure.query(async ({ ctx }) => {
    const url = `${readAdminEnv().GOCHAT_ANALYTICS_URL}/stats`;
    return fetchChecked(
      { name: "analytics", where: url, url, headers: { authorization: `Bearer ${ctx.session.accessToken}` } },
      stats,
    );
  }),
});
