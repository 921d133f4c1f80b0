import { AppError, findUnstorableCharacter, isAppError, TRPC_CODE, type ErrorCode } from "@gochat/contracts";
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

/** A RATE_LIMITED refusal says when to come back, in the body and (see http-server.ts) in `Retry-After`. */
export function retryAfterOf(error: AppError | undefined): { retryAfterSeconds?: number } {
  const value = error?.details?.retryAfterSeconds;
  return typeof value === "number" ? { retryAfterSeconds: value } : {};
}

/** Keys that would reach an object's prototype if any code ever merged input into an object. */
const POLLUTING_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MAX_INPUT_DEPTH = 32;

/** The first problem in a raw input no procedure should see: unstorable text, a polluting key, deep nesting. */
export function findForbiddenInput(value: unknown, path = "", depth = 0): string | undefined {
  const at = path === "" ? "(input)" : path;
  if (typeof value === "string") {
    const character = findUnstorableCharacter(value);
    return character === undefined ? undefined : `${at}: must not contain ${character} (it cannot be stored)`;
  }
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= MAX_INPUT_DEPTH) return `${at}: nested too deeply`;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === "" ? key : `${path}.${key}`;
    if (POLLUTING_KEYS.has(key)) return `${childPath}: this key is not allowed`;
    const character = findUnstorableCharacter(key);
    if (character !== undefined) return `${childPath}: a key must not contain ${character}`;
    const problem = findForbiddenInput(child, childPath, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
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
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        appCode: code,
        ...retryAfterOf(appError),
      },
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

/**
 * Every procedure's input, before its own schema: no string PostgreSQL cannot store (U+0000, lone
 * surrogates), no `__proto__`/`constructor`/`prototype` keys, nothing nested deeper than any input needs.
 */
const refuseForbiddenInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = findForbiddenInput(await getRawInput());
  if (problem !== undefined) throw new AppError("BAD_REQUEST", problem);
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors).use(refuseForbiddenInput);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.auth === undefined) {
    throw new AppError("UNAUTHENTICATED", ctx.authError ?? "sign in first: an access token is required");
  }
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});

/**
 * Admin procedures: the role comes from the access token, which im-repo issued from the user's row. A
 * role taken away shows once the token is renewed (its lifetime is minutes); disabling an account
 * revokes its sessions, so that stops renewal at once.
 */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.auth.role !== "admin") throw new AppError("FORBIDDEN", "this needs the admin role");
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});

/**
 * Only GoChat's own services, presenting the internal credential, reach these procedures. Their inputs
 * follow the contracts' schemas, which refuse unstorable text themselves, item by item: a batch answers
 * each bad item on its own rather than failing as a whole.
 */
export const serviceProcedure = t.procedure.use(mapAppErrors).use(({ ctx, next }) => {
  if (!ctx.isService) throw new AppError("FORBIDDEN", "internal procedure");
  return next();
});
