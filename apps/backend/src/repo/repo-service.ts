import type { AddressInfo } from "node:net";
import { appRouter, createRequestContext, type ApiDeps } from "@gochat/api";
import { CONSUMER_GROUPS, TOPICS, type TopicValue } from "@gochat/contracts";
import { startGatewaySweeper, tellFriendsPresence } from "./friends-presence";
import { openDatabase, type Database } from "@gochat/db/server";
import {
  connectKafka,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningService,
} from "@gochat/service-kit";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { corsMiddleware } from "./cors";

export interface RepoConfig {
  kafka: KafkaSettings;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  poolSize: number;
  tokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlMs: number;
  corsOrigins: string[] | true;
  presenceTtlMs: number;
  /** How often gateways that stopped beating are looked for. */
  presenceSweepMs: number;
  recallWindowMs: number;
}

export interface RunningRepo extends RunningService {
  port: number;
  database: Database;
}

/**
 * im-repo: owns the database (PGlite can have only one owner, so it is the only process that opens it)
 * and serves the tRPC API at `/trpc`. Produces `user.profile.updated` to `gochat.user-events`.
 */
export async function startRepoService(
  config: RepoConfig,
  logger: Logger,
  onFatal?: (error: Error) => void,
): Promise<RunningRepo> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.poolSize,
  });
  if (database.appliedMigrations.length > 0)
    logger.info({ migrations: database.appliedMigrations }, "migrations applied");

  const kafka = await connectKafka(
    config.kafka,
    logger,
    [TOPICS.userEvents.name, TOPICS.upstream.name, TOPICS.deadLetter.name],
    {
      onFatal,
    },
  );

  const deps: ApiDeps = {
    db: database.prisma,
    tokenSecret: config.tokenSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    presenceTtlMs: config.presenceTtlMs,
    recallWindowMs: config.recallWindowMs,
    publishUserEvent: (event) => kafka.producer.send("userEvents", [event]),
    publishNotices: (notices) => kafka.producer.send("upstream", notices),
  };
  const server = createHTTPServer({
    basePath: "/trpc/",
    middleware: corsMiddleware(config.corsOrigins),
    router: appRouter,
    createContext: ({ req }) => createRequestContext(deps, req),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "api error");
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, "im-repo listening");

  // The friends' side of presence lives here, next to the friendships and the presence table.
  const presenceConsumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.presenceFriends.name,
    subscription: { topics: [TOPICS.userEvents.name] },
    handle: (record) =>
      tellFriendsPresence(
        database.prisma,
        kafka,
        record.value as TopicValue<"userEvents">,
        config.presenceTtlMs,
      ),
  });
  const sweeper = startGatewaySweeper(database.prisma, kafka, {
    intervalMs: config.presenceSweepMs,
    presenceTtlMs: config.presenceTtlMs,
    logger,
  });

  return {
    port,
    database,
    isReady: () => server.listening,
    stop: async () => {
      sweeper.stop();
      await stopInOrder(
        () => presenceConsumer.stop(),
        () =>
          new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            server.closeAllConnections();
          }),
        () => kafka.close(),
        () => database.close(),
      );
    },
  };
}
