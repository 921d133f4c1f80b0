import { z } from "zod";
import { refreshSession } from "../../services/session-tokens";
import { publicProcedure } from "../../trpc";
import { refreshToken } from "./schemas";

export const refreshProcedure = publicProcedure
  .input(z.object({ refreshToken }))
  .mutation(({ ctx, input }) => refreshSession(ctx, input.refreshToken));
