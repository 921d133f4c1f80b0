import { z } from "zod";

/**
 * Every error GoChat reports to a client has one of these codes. The tables below are the one place
 * that maps a code to an HTTP status and a tRPC error code; socket acknowledgements carry the code itself.
 */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "NOT_A_MEMBER",
  "RECALL_WINDOW_EXPIRED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export const errorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCode>;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  NOT_A_MEMBER: 403,
  RECALL_WINDOW_EXPIRED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** tRPC's own code names, kept as strings so this package does not depend on tRPC. */
export const TRPC_CODE = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  NOT_A_MEMBER: "FORBIDDEN",
  RECALL_WINDOW_EXPIRED: "CONFLICT",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<ErrorCode, string>;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, { cause: options?.cause });
    this.code = code;
    this.details = options?.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The shape of an error on the socket and in tRPC error data. */
export const errorBody = z.object({
  code: errorCode,
  message: z.string(),
  /** With UNAVAILABLE and RATE_LIMITED: how long to wait before trying again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

export function toErrorBody(error: unknown): ErrorBody {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: "INTERNAL", message: "Internal error" };
}
