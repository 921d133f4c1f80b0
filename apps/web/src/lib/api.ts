import type { AppRouter } from "@gochat/api";
import type { ErrorCode } from "@gochat/contracts";
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { NO_SEND_TRACING, type SendTracer } from "./send-tracing";
import type { inferRouterOutputs } from "@trpc/server";
import { freshAccessToken, SessionExpiredError, type Session } from "./session";

export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** im-repo answers a batch of more procedures than its limit (REPO_MAX_BATCH_SIZE, 10) with BAD_REQUEST. */
const MAX_BATCH_ITEMS = 10;
export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * The tRPC client for im-repo. Requests made in the same tick travel as one HTTP batch; each carries a
 * fresh access token, refreshed (once, across tabs) when it is about to expire.
 */
/**
 * Each call in a client span of its own, whose context goes to im-repo in the `traceparent` header (the
 * first call's, for a batch: one HTTP request carries one header).
 */
function tracingLink(tracer: SendTracer): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const call = tracer.call(op.path, op.type);
        const subscription = next({
          ...op,
          context: {
            ...op.context,
            ...(call.traceparent === undefined ? {} : { traceparent: call.traceparent }),
          },
        }).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            call.end(error);
            observer.error(error);
          },
          complete: () => {
            call.end();
            observer.complete();
          },
        });
        return () => subscription.unsubscribe();
      });
}

function traceHeader(opList: readonly { context: Record<string, unknown> }[]): Record<string, string> {
  const traceparent = opList[0]?.context.traceparent;
  return typeof traceparent === "string" ? { traceparent } : {};
}

export function createApiClient(
  url: string,
  onSessionExpired: () => void,
  tracer: SendTracer = NO_SEND_TRACING,
) {
  const anonymous = createTRPCClient<AppRouter>({
    links: [
      tracingLink(tracer),
      httpBatchLink({ url, maxItems: MAX_BATCH_ITEMS, headers: ({ opList }) => traceHeader(opList) }),
    ],
  });
  const refresh = async (refreshToken: string): Promise<Session> => {
    try {
      return await anonymous.auth.refresh.mutate({ refreshToken });
    } catch (error) {
      if (errorCode(error) === "UNAUTHENTICATED") throw new SessionExpiredError();
      throw error;
    }
  };
  const client = createTRPCClient<AppRouter>({
    links: [
      tracingLink(tracer),
      httpBatchLink({
        url,
        maxURLLength: 4000,
        maxItems: MAX_BATCH_ITEMS,
        async headers({ opList }) {
          try {
            return { authorization: `Bearer ${await freshAccessToken(refresh)}`, ...traceHeader(opList) };
          } catch (error) {
            if (error instanceof SessionExpiredError) onSessionExpired();
            // Signed-out calls (sign-in, sign-up) go without a token.
            return traceHeader(opList);
          }
        },
      }),
    ],
  });
  // The socket asks for a token on every (re)connect; a session that can no longer be refreshed ends here
  // too, rather than leaving the socket retrying with nothing.
  const accessToken = async () => {
    try {
      return await freshAccessToken(refresh);
    } catch (error) {
      if (error instanceof SessionExpiredError) onSessionExpired();
      throw error;
    }
  };
  return { client, anonymous, accessToken };
}

/** GoChat's error code of a failed call, `UNAVAILABLE` when the server could not be reached at all. */
export function errorCode(error: unknown): ErrorCode {
  if (error instanceof SessionExpiredError) return "UNAUTHENTICATED";
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data as { appCode?: ErrorCode } | undefined;
    if (data?.appCode !== undefined) return data.appCode;
    return "UNAVAILABLE";
  }
  return "INTERNAL";
}
