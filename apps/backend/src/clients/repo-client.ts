import { SERVICE_CREDENTIAL_HEADER, type AppRouter } from "@gochat/api";
import { serviceCredential } from "@gochat/auth";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";

export type RepoClient = ReturnType<typeof createRepoClient>;

/** Longer than any internal call takes; a hung im-repo then fails the call (retried) instead of a partition. */
const CALL_TIMEOUT_MS = 15_000;

/** How a service reaches im-repo's internal API: tRPC over HTTP with the service credential. */
export function createRepoClient(url: string, tokenSecret: string) {
  const credential = serviceCredential(tokenSecret);
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        headers: () => ({ [SERVICE_CREDENTIAL_HEADER]: credential }),
        fetch: (url: string, init?: RequestInit) =>
          fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
      }),
    ],
  });
}

/** GoChat's error code of a failed call to im-repo, when it answered with one. */
export function appCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("appCode" in data)) return undefined;
  return typeof data.appCode === "string" ? data.appCode : undefined;
}
