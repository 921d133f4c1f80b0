import type { AppRouter } from "@gochat/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { readAdminEnv } from "./env";

/** im-repo's API as the calling admin (their access token), or anonymously for sign-in. */
export function repoClient(accessToken?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: readAdminEnv().GOCHAT_REPO_URL,
        headers: () => (accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
      }),
    ],
  });
}

type TrpcCode = TRPCError["code"];
const PASSED_ON = new Set<TrpcCode>([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_MANY_REQUESTS",
]);

/** Passes im-repo's refusal on with its code and message; anything else becomes "im-repo unavailable". */
export async function fromRepo<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const code = (error.data as { code?: TrpcCode } | undefined)?.code;
      if (code !== undefined && PASSED_ON.has(code)) throw new TRPCError({ code, message: error.message });
    }
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `im-repo did not answer: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
