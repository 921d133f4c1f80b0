import type { AppRouter } from "@gochat/api";
import type { ErrorCode } from "@gochat/contracts";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
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
export function createApiClient(url: string, onSessionExpired: () => void) {
  const anonymous = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url, maxItems: MAX_BATCH_ITEMS })],
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
      httpBatchLink({
        url,
        maxURLLength: 4000,
        maxItems: MAX_BATCH_ITEMS,
        async headers() {
          try {
            return { authorization: `Bearer ${await freshAccessToken(refresh)}` };
          } catch (error) {
            if (error instanceof SessionExpiredError) onSessionExpired();
            // Signed-out calls (sign-in, sign-up) go without a token.
            return {};
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
