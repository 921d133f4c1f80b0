import { z } from "zod";
import { signOut } from "../../services/session-tokens";
import { publicProcedure } from "../../trpc";
import { refreshToken } from "./schemas";

export const signOutProcedure = publicProcedure
  .input(z.object({ refreshToken }))
  .mutation(async ({ ctx, input }) => {
    await signOut(ctx, input.refreshToken);
    return { signedOut: true as const };
  });
