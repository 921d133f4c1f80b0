import { SERVICE_CREDENTIAL_HEADER, type AppRouter } from "@gochat/api";
import { serviceCredential } from "@gochat/auth";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";

export type RepoClient = ReturnType<typeof createRepoClient>;

/** How a service reaches im-repo's internal API: tRPC over HTTP with the service credential. */
export function createRepoClient(url: string, tokenSecret: string) {
  const credential = serviceCredential(tokenSecret);
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url, headers: () => ({ [SERVICE_CREDENTIAL_HEADER]: credential }) })],
  });
}

/** GoChat's error code of a failed call to im-repo, when it answered with one. */
export function appCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("appCode" in data)) return undefined;
  return typeof data.appCode === "string" ? data.appCode : undefined;
}
