import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { AdminSession, SessionCheck } from "./session";

export interface ConsoleContext {
  check: SessionCheck;
  /** Cookies to set on the response (sign-in, renewal, sign-out). */
  setCookie: (cookie: string) => void;
  /** Renews the access token with the refresh cookie, when there is one. */
  renew: () => Promise<SessionCheck>;
  refreshToken: string | undefined;
}

const t = initTRPC.context<ConsoleContext>().create({
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : undefined;
    if (zodError === undefined) return shape;
    return {
      ...shape,
      message: zodError.issues
        .map((issue) => `${issue.path.map(String).join(".") || "(input)"}: ${issue.message}`)
        .join("; "),
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** Every console procedure but sign-in: a valid access token with the admin role, renewed when expired. */
export const adminProcedure = t.procedure.use(async ({ ctx, next }) => {
  let check = ctx.check;
  if (check.kind === "expired" || check.kind === "none") check = await ctx.renew();
  if (check.kind !== "signed-in") {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: check.kind === "invalid" ? check.reason : "sign in first",
    });
  }
  if (check.session.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "this needs the admin role" });
  }
  const session: AdminSession = check.session;
  return next({ ctx: { ...ctx, session } });
});
