import { z } from "zod";
import { signUp } from "../../services/session-tokens";
import { publicProcedure } from "../../trpc";
import { displayName, password, username } from "./schemas";

export const signUpInput = z.object({ username, displayName, password });

export const signUpProcedure = publicProcedure
  .input(signUpInput)
  .mutation(({ ctx, input }) => signUp(ctx, input, ctx));
