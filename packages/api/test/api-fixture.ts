import type { AddressInfo } from "node:net";
import type { TopicValue } from "@gochat/contracts";
import { openDatabase, type Database } from "@gochat/db/server";
import { createTRPCClient, httpLink } from "@trpc/client";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import type { Notice } from "../src/services/notices";
import { appRouter, createRequestContext, SERVICE_CREDENTIAL_HEADER, type AppRouter } from "../src/index";
import { serviceCredential } from "@gochat/auth";

export const TEST_SECRET = "api-test-secret-that-is-32-bytes!";

/** The API over real HTTP, on a fresh in-memory PGlite with every migration applied. */
export async function startTestApi() {
  const database: Database = await openDatabase({ dataDir: "memory://" });
  const userEvents: TopicValue<"userEvents">[] = [];
  const notices: Notice[] = [];
  const deps = {
    db: database.prisma,
    tokenSecret: TEST_SECRET,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlMs: 30 * 24 * 3600 * 1000,
    presenceTtlMs: 15_000,
    recallWindowMs: 120_000,
    publishUserEvent: async (event: TopicValue<"userEvents">) => {
      userEvents.push(event);
    },
    publishNotices: async (published: Notice[]) => {
      notices.push(...published);
    },
  };
  const server = createHTTPServer({
    router: appRouter,
    createContext: ({ req }) => createRequestContext(deps, req),
  });
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({ url, headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
      ],
    });
  const serviceClient = () =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({ url, headers: () => ({ [SERVICE_CREDENTIAL_HEADER]: serviceCredential(TEST_SECRET) }) }),
      ],
    });
  return {
    url,
    client,
    serviceClient,
    deps,
    userEvents,
    notices,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
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
