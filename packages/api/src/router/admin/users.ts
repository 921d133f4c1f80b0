import { entityId } from "@gochat/contracts";
import { findUserByUsername, findUsersByIds, findUsersForAdmin } from "@gochat/db/server";
import { z } from "zod";
import {
  describeUserForAdmin,
  setDisabled,
  signOutEverywhere,
  toAdminUserView,
} from "../../services/user-admin";
import { adminProcedure, router } from "../../trpc";

export const adminUsersRouter = router({
  find: adminProcedure
    .input(
      z.object({
        text: z.string().trim().max(100).default(""),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) =>
      (await findUsersForAdmin(ctx.db, input.text, input.limit)).map(toAdminUserView),
    ),

  /** Usernames and display names of the given ids (unknown ids are left out), for the console's tables. */
  names: adminProcedure
    .input(z.object({ userIds: z.array(entityId).max(500) }))
    .query(async ({ ctx, input }) =>
      (await findUsersByIds(ctx.db, input.userIds)).map((user) => ({
        id: user.id,
        username: user.username,
        displayName: user.displayName,
      })),
    ),

  /** The user with exactly this username (case does not matter), or null. */
  byUsername: adminProcedure
    .input(z.object({ username: z.string().trim().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      const user = await findUserByUsername(ctx.db, input.username);
      return user === null ? null : { id: user.id, username: user.username, displayName: user.displayName };
    }),

  detail: adminProcedure
    .input(z.object({ userId: entityId }))
    .query(({ ctx, input }) => describeUserForAdmin(ctx, input.userId)),

  signOutEverywhere: adminProcedure
    .input(z.object({ userId: entityId }))
    .mutation(({ ctx, input }) => signOutEverywhere(ctx, input.userId)),

  setDisabled: adminProcedure
    .input(z.object({ userId: entityId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setDisabled(ctx, input.userId, input.disabled)),
});
