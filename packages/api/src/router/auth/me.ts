import { AppError } from "@gochat/contracts";
import { findUserById } from "@gochat/db/server";
import { toUserView } from "../../services/session-tokens";
import { authedProcedure } from "../../trpc";

export const meProcedure = authedProcedure.query(async ({ ctx }) => {
  const user = await findUserById(ctx.db, ctx.auth.userId);
  if (user === null) throw new AppError("NOT_FOUND", "the account no longer exists");
  return toUserView(user);
});
