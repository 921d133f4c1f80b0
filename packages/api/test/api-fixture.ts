import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TopicValue } from "@gochat/contracts";
import { openDatabase, type Database } from "@gochat/db/server";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { Notice } from "../src/services/notices";
import {
  AuthThrottle,
  createInternalApiServer,
  createPublicApiServer,
  DEFAULT_AUTH_LIMITS,
  SERVICE_CREDENTIAL_HEADER,
  type AppRouter,
  type AuthLimits,
} from "../src/index";
import { serviceCredential } from "@gochat/auth";
import { createPasswordHasher, type PasswordHasher } from "@gochat/db/server";

export const TEST_SECRET = "api-test-secret-that-is-32-bytes!";

/** A cheap scrypt cost for tests (the configuration allows it; production uses OWASP's). */
export const TEST_HASHER = createPasswordHasher({ N: 1024, r: 8, p: 1 });

/** Limits high enough that the suites' many sign-ups from one address are never throttled. */
const UNTHROTTLED: AuthLimits = {
  ...DEFAULT_AUTH_LIMITS,
  signInFailuresPerAccount: 1_000,
  signInFailuresPerAddress: 1_000,
  signUpsPerAddress: 1_000,
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`);
    });
  });
}

/**
 * The API over real HTTP, on a fresh in-memory PGlite with every migration applied: the public listener
 * and the internal one, as im-repo serves them.
 */
export async function startTestApi(
  options: { authLimits?: Partial<AuthLimits>; passwordHasher?: PasswordHasher } = {},
) {
  const database: Database = await openDatabase({ dataDir: "memory://" });
  const userEvents: TopicValue<"userEvents">[] = [];
  const notices: Notice[] = [];
  const deps = {
    db: database.prisma,
    tokenSecret: TEST_SECRET,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlMs: 30 * 24 * 3600 * 1000,
    passwordHasher: options.passwordHasher ?? TEST_HASHER,
    authThrottle: new AuthThrottle({ ...UNTHROTTLED, ...options.authLimits }),
    serviceCredentials: [serviceCredential(TEST_SECRET)],
    presenceTtlMs: 15_000,
    recallWindowMs: 120_000,
    publishUserEvents: async (events: TopicValue<"userEvents">[]) => {
      userEvents.push(...events);
    },
    publishNotices: async (published: Notice[]) => {
      notices.push(...published);
    },
  };
  const server = createPublicApiServer(deps, {});
  const internalServer = createInternalApiServer(deps, {});
  const url = await listen(server);
  const internalUrl = await listen(internalServer);
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({ url, headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
      ],
    });
  const serviceClient = () =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: internalUrl,
          headers: () => ({ [SERVICE_CREDENTIAL_HEADER]: serviceCredential(TEST_SECRET) }),
        }),
      ],
    });
  /** A caller on the internal listener that presents no service credential. */
  const uncredentialedServiceClient = () =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: internalUrl })] });
  return {
    url,
    internalUrl,
    client,
    serviceClient,
    uncredentialedServiceClient,
    deps,
    userEvents,
    notices,
    async stop() {
      for (const listening of [server, internalServer])
        await new Promise<void>((resolve) => {
          listening.close(() => {
            resolve();
          });
          listening.closeAllConnections();
        });
      await database.close();
    },
  };
}

/** The GoChat error code a failed call carried, or a failure if the call succeeded. */
export async function appCodeOf(call: Promise<unknown>): Promise<{ appCode: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { appCode?: string } }).data;
    return { appCode: data?.appCode ?? "none", message: (error as Error).message };
  }
  throw new Error("the call succeeded");
}
