import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AppError, type ErrorCode } from "@gochat/contracts";
import type { AnyRouter } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { createRequestContext, type ApiDeps } from "./context";
import { internalApiRouter, publicRouter } from "./root";
import { retryAfterOf } from "./trpc";

type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

export interface ApiServerLimits {
  /** Bytes of one request body; a larger declared body is refused before it is read, a longer stream cut off. */
  maxBodyBytes: number;
  /** Procedures in one batched request. */
  maxBatchSize: number;
}

export const PUBLIC_API_LIMITS: ApiServerLimits = { maxBodyBytes: 512 * 1024, maxBatchSize: 10 };
/** Services send large batches (persisting messages), but only over loopback or a private network. */
export const INTERNAL_API_LIMITS: ApiServerLimits = { maxBodyBytes: 16 * 1024 * 1024, maxBatchSize: 100 };

function refuse(response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  response.writeHead(status, { "content-type": "application/json", connection: "close" });
  response.end(
    JSON.stringify({ error: { message, code: -32600, data: { appCode: code, httpStatus: status } } }),
  );
}

/** Refuses a body whose declared length is over the limit before a byte of it is read or parsed. */
function declaredBodyLimit(maxBodyBytes: number): Middleware {
  return (request, response, next) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      refuse(response, 413, "PAYLOAD_TOO_LARGE", `the request body is over ${maxBodyBytes} bytes`);
      request.resume();
      return;
    }
    next();
  };
}

function chain(middlewares: Middleware[]): Middleware {
  return (request, response, next) => {
    const run = (index: number): void => {
      const middleware = middlewares[index];
      if (middleware === undefined) next();
      else middleware(request, response, () => run(index + 1));
    };
    run(0);
  };
}

function createApiServer(
  router: AnyRouter,
  deps: ApiDeps,
  options: {
    limits: ApiServerLimits;
    before?: Middleware[];
    onInternalError?: (error: unknown, path?: string) => void;
  },
): Server {
  return createHTTPServer({
    basePath: "/trpc/",
    router,
    maxBodySize: options.limits.maxBodyBytes,
    maxBatchSize: options.limits.maxBatchSize,
    middleware: chain([...(options.before ?? []), declaredBodyLimit(options.limits.maxBodyBytes)]),
    createContext: ({ req }) => createRequestContext(deps, req),
    responseMeta: ({ errors }) => {
      for (const error of errors) {
        const { retryAfterSeconds } = retryAfterOf(error.cause instanceof AppError ? error.cause : undefined);
        if (retryAfterSeconds !== undefined) return { headers: { "retry-after": String(retryAfterSeconds) } };
      }
      return {};
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.onInternalError?.(error.cause ?? error, path);
    },
  });
}

/** The API for clients at `/trpc`: everything but `internal.*`, behind the given CORS middleware. */
export function createPublicApiServer(
  deps: ApiDeps,
  options: {
    limits?: ApiServerLimits;
    cors?: Middleware;
    onInternalError?: (error: unknown, path?: string) => void;
  },
): Server {
  return createApiServer(publicRouter, deps, {
    limits: options.limits ?? PUBLIC_API_LIMITS,
    ...(options.cors === undefined ? {} : { before: [options.cors] }),
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  });
}

/** `internal.*` at `/trpc` for GoChat's services: never with CORS, so no browser page can call it. */
export function createInternalApiServer(
  deps: ApiDeps,
  options: { limits?: ApiServerLimits; onInternalError?: (error: unknown, path?: string) => void },
): Server {
  return createApiServer(internalApiRouter, deps, {
    limits: options.limits ?? INTERNAL_API_LIMITS,
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  });
}
