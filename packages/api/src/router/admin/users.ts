import { entityId } from "@gochat/contracts";
import { findUsersForAdmin } from "@gochat/db/server";
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
