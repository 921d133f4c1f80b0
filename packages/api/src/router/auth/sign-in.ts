import { z } from "zod";
import { signIn } from "../../services/session-tokens";
import { publicProcedure } from "../../trpc";

export const signInInput = z.object({
  username: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(200),
});

export const signInProcedure = publicProcedure
  .input(signInInput)
  .mutation(({ ctx, input }) => signIn(ctx, input, ctx));
