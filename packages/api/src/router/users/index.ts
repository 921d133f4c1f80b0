import { randomUUID } from "node:crypto";
import { AppError, entityId } from "@gochat/contracts";
import { findUserById, searchUsers, setUserEmail, updateUserProfile } from "@gochat/db/server";
import { z } from "zod";
import { definedFields } from "../../services/defined-fields";
import { toUserView } from "../../services/session-tokens";
import { authedProcedure, router } from "../../trpc";
import { displayName } from "../auth/schemas";

const profileChanges = z
  .object({
    displayName: displayName.optional(),
    avatarColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #6366f1")
      .optional(),
    bio: z.string().max(500).optional(),
  })
  .refine((changes) => Object.keys(definedFields(changes)).length > 0, "change at least one field");

export const usersRouter = router({
  search: authedProcedure
    .input(
      z.object({
        query: z.string().trim().min(1).max(32),
        limit: z.number().int().min(1).max(50).default(20),
      }),
    )
    .query(async ({ ctx, input }) => (await searchUsers(ctx.db, input.query, input.limit)).map(toUserView)),

  get: authedProcedure.input(z.object({ userId: entityId })).query(async ({ ctx, input }) => {
    const user = await findUserById(ctx.db, input.userId);
    if (user === null) throw new AppError("NOT_FOUND", "no such user");
    return toUserView(user);
  }),

  /** Sets or clears the address e-mail notifications go to. */
  setEmail: authedProcedure
    .input(z.object({ email: z.email({ message: "must be an e-mail address" }).max(254).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const user = await setUserEmail(ctx.db, ctx.auth.userId, input.email);
      return { ...toUserView(user), email: user.email };
    }),

  /** Changes the caller's profile and tells everyone through `user.profile.updated`. */
  updateProfile: authedProcedure.input(profileChanges).mutation(async ({ ctx, input }) => {
    const changes = definedFields(input);
    const user = await updateUserProfile(ctx.db, ctx.auth.userId, changes);
    const now = Math.floor(Date.now() / 1000);
    await ctx.publishUserEvents([
      {
        event_id: randomUUID(),
        event_type: "user.profile.updated",
        timestamp: now,
        user_id: user.id,
        payload: {
          changed: Object.keys(changes),
          ...(input.displayName === undefined ? {} : { display_name: user.displayName }),
          ...(input.avatarColor === undefined ? {} : { avatar_color: user.avatarColor }),
        },
      },
    ]);
    return toUserView(user);
  }),
});
