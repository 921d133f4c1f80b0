import type { AddressInfo } from "node:net";
import { AuthThrottle, createPublicApiServer, DEFAULT_AUTH_LIMITS } from "@gochat/api";
import { serviceCredential } from "@gochat/auth";
import { createPasswordHasher, createUser, openDatabase, type Database } from "@gochat/db/server";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
// Imported once the environment is set: the console reads its configuration on first use.
import type * as ContextModule from "../src/server/context";
import type * as KafkaModule from "../src/server/kafka";
import type * as RootModule from "../src/server/root";

const SECRET = "admin-console-test-secret-32-bytes!";

export type ConsoleCaller = ReturnType<typeof RootModule.consoleRouter.createCaller>;

/**
 * The console's server side against real things: an embedded broker, im-repo's API over in-memory PGlite,
 * an admin `root` ("admin password") and a user `plain` ("user password"). One per test file: the
 * console keeps its Kafka client per process.
 */
export async function startTestConsole(options: { traceStoreUrl?: string } = {}) {
  const broker: TemporaryBroker = await startTemporaryBroker({ defaultPartitions: 1 });
  const database: Database = await openDatabase({ dataDir: "memory://" });
  const hasher = createPasswordHasher({ N: 1024, r: 8, p: 1 });
  await createUser(
    database.prisma,
    { username: "root", displayName: "Root", password: "admin password", role: "admin" },
    hasher,
  );
  await createUser(
    database.prisma,
    { username: "plain", displayName: "Plain", password: "user password" },
    hasher,
  );
  const server = createPublicApiServer(
    {
      db: database.prisma,
      tokenSecret: SECRET,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlMs: 3_600_000,
      passwordHasher: hasher,
      authThrottle: new AuthThrottle(DEFAULT_AUTH_LIMITS),
      serviceCredentials: [serviceCredential(SECRET)],
      presenceTtlMs: 15_000,
      recallWindowMs: 120_000,
      publishUserEvents: () => Promise.resolve(),
      publishNotices: () => Promise.resolve(),
    },
    {},
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const repoPort = (server.address() as AddressInfo).port;
  const repoUrl = `http://127.0.0.1:${repoPort}/trpc`;
  process.env.GOCHAT_TOKEN_SECRET = SECRET;
  process.env.GOCHAT_REPO_URL = repoUrl;
  process.env.KAFKA_BROKERS = broker.brokers.join(",");
  process.env.GOCHAT_ADMIN_SAMPLE_MS = "100";
  process.env.GOCHAT_ADMIN_SERVICES = `im-repo=http://127.0.0.1:${repoPort}`;
  if (options.traceStoreUrl !== undefined) process.env.GOCHAT_TRACE_STORE_URL = options.traceStoreUrl;
  // No analytics runs beside these tests: port 1 refuses at once, wherever they run.
  process.env.GOCHAT_ANALYTICS_URL = "http://127.0.0.1:1";
  const modules: {
    consoleRouter: typeof RootModule.consoleRouter;
    createConsoleContext: typeof ContextModule.createConsoleContext;
    stopKafka: typeof KafkaModule.stopKafka;
  } = {
    ...(await import("../src/server/root")),
    ...(await import("../src/server/context")),
    ...(await import("../src/server/kafka")),
  };

  /** A caller as the browser would be: with the given cookies or bearer token; set cookies are collected. */
  function caller(headers: Record<string, string> = {}) {
    const resHeaders = new Headers();
    const request = new Request("http://console.test/api/trpc", { headers });
    const call = modules.consoleRouter.createCaller(modules.createConsoleContext(request, resHeaders));
    return { call, resHeaders };
  }

  return {
    broker,
    database,
    repoUrl,
    caller,
    stopKafka: modules.stopKafka,

    /** An admin signed in through the console, holding its session cookies. */
    async signedInAdmin(): Promise<ConsoleCaller> {
      const { call, resHeaders } = caller();
      await call.session.signIn({ username: "root", password: "admin password" });
      return caller({ cookie: cookiesFrom(resHeaders) }).call;
    },

    /** `plain`, calling with an im-repo access token (the console refuses to sign them in). */
    async signedInUser(): Promise<ConsoleCaller> {
      const response = await fetch(`${repoUrl}/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "plain", password: "user password" }),
      });
      const token = ((await response.json()) as { result: { data: { accessToken: string } } }).result.data
        .accessToken;
      return caller({ authorization: `Bearer ${token}` }).call;
    },

    async stop(): Promise<void> {
      await modules.stopKafka();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
      await broker.stop();
    },
  };
}

export type TestConsole = Awaited<ReturnType<typeof startTestConsole>>;

export function cookiesFrom(resHeaders: Headers): string {
  return resHeaders
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
