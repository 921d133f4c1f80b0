import { AppError, isAppError, TRPC_CODE, type ErrorCode } from "@gochat/contracts";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { ApiContext } from "./context";

const TRPC_TO_APP: Partial<Record<TRPCError["code"], ErrorCode>> = {
  BAD_REQUEST: "BAD_REQUEST",
  PARSE_ERROR: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
};

function describeZod(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join(".") || "(input)"}: ${issue.message}`)
    .join("; ");
}

const t = initTRPC.context<ApiContext>().create({
  // Every error leaves with GoChat's own code beside tRPC's, and input errors name each bad field.
  errorFormatter({ shape, error }) {
    const appError = error.cause instanceof AppError ? error.cause : undefined;
    const zodError = error.cause instanceof ZodError ? error.cause : undefined;
    const code: ErrorCode = appError?.code ?? TRPC_TO_APP[error.code] ?? "INTERNAL";
    return {
      ...shape,
      message:
        zodError === undefined
          ? code === "INTERNAL"
            ? "Internal error"
            : shape.message
          : describeZod(zodError),
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, appCode: code },
    };
  },
});

/** Turns an AppError thrown by a service function into the matching tRPC error, in one place. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.auth === undefined) {
    throw new AppError("UNAUTHENTICATED", ctx.authError ?? "sign in first: an access token is required");
  }
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});

/** Only GoChat's own services, presenting the internal credential, reach these procedures. */
export const serviceProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.isService) throw new AppError("FORBIDDEN", "internal procedure");
  return next();
});
