import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { fromRepo, repoClient } from "../repo-client";
import { ACCESS_COOKIE, REFRESH_COOKIE, sessionCookie } from "../session";
import { adminProcedure, publicProcedure, router } from "../trpc";

export const sessionRouter = router({
  /**
   * Signs in through im-repo. A user without the admin role is refused, and the session im-repo opened
   * for them is closed again at once.
   */
  signIn: publicProcedure
    .input(z.object({ username: z.string().trim().min(1).max(32), password: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const tokens = await fromRepo(repoClient().auth.signIn.mutate(input));
      if (tokens.user.role !== "admin") {
        await fromRepo(repoClient().auth.signOut.mutate({ refreshToken: tokens.refreshToken }));
        throw new TRPCError({ code: "FORBIDDEN", message: "only admins may use the admin console" });
      }
      const now = Date.now();
      ctx.setCookie(
        sessionCookie(ACCESS_COOKIE, tokens.accessToken, (tokens.accessTokenExpiresAt - now) / 1000),
      );
      ctx.setCookie(
        sessionCookie(REFRESH_COOKIE, tokens.refreshToken, (tokens.refreshTokenExpiresAt - now) / 1000),
      );
      return { username: tokens.user.username, displayName: tokens.user.displayName };
    }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const refreshToken = ctx.refreshToken;
    if (refreshToken !== undefined) {
      await fromRepo(repoClient().auth.signOut.mutate({ refreshToken })).catch(() => undefined);
    }
    ctx.setCookie(sessionCookie(ACCESS_COOKIE, "", 0));
    ctx.setCookie(sessionCookie(REFRESH_COOKIE, "", 0));
    return { signedOut: true };
  }),

  me: adminProcedure.query(({ ctx }) => fromRepo(repoClient(ctx.session.accessToken).admin.whoami.query())),
});
