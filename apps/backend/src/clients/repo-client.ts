// The router's type only: a value import of @gochat/api would load im-repo's whole API and data layer
// (Prisma, PGlite, pg) into every service that merely calls it.
import type { AppRouter } from "@gochat/api";
import { SERVICE_CREDENTIAL_HEADER, serviceCredential } from "@gochat/auth";
import { createTRPCClient, httpLink } from "@trpc/client";
import { keepAliveFetch } from "./http-fetch";

export type RepoClient = ReturnType<typeof createRepoClient>;

/** Longer than any internal call takes; a hung im-repo then fails the call (retried) instead of a partition. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * How a service reaches im-repo's internal API: tRPC over HTTP with the service credential, the configured
 * one (GOCHAT_SERVICE_CREDENTIAL) or else the one derived from the token secret, on kept-alive connections.
 */
export function createRepoClient(url: string, tokenSecret: string, configuredCredential?: string) {
  const credential = configuredCredential ?? serviceCredential(tokenSecret);
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        headers: () => ({ [SERVICE_CREDENTIAL_HEADER]: credential }),
        fetch: keepAliveFetch({ timeoutMs: CALL_TIMEOUT_MS }),
      }),
    ],
  });
}
