import type { Server } from "node:http";
import {
  AuthThrottle,
  createInternalApiServer,
  createPublicApiServer,
  DEFAULT_AUTH_LIMITS,
  INTERNAL_API_LIMITS,
  PUBLIC_API_LIMITS,
  type ApiDeps,
  type ApiServerLimits,
  type AuthLimits,
} from "@gochat/api";
import { serviceCredential } from "@gochat/auth";
import { CONSUMER_GROUPS, TOPICS, type TopicValue } from "@gochat/contracts";
import { startGatewaySweeper, tellFriendsPresence } from "./friends-presence";
import {
  createPasswordHasher,
  OWASP_SCRYPT_COST,
  openDatabase,
  type Database,
  type ScryptCost,
} from "@gochat/db/server";
import {
  connectKafka,
  listenOn,
  stopInOrder,
  type KafkaSettings,
  type Logger,
  type RunningService,
} from "@gochat/service-kit";
import { domainAttributes, endingSpans, startRecordSpan } from "@gochat/telemetry";
import { context, trace } from "@opentelemetry/api";
import { corsMiddleware } from "./cors";

export interface RepoConfig {
  kafka: KafkaSettings;
  host: string;
  port: number;
  /** Where `internal.*` listens; loopback and a free port unless configured. */
  internalHost?: string;
  internalPort?: number;
  /** The service credentials `internal.*` accepts; by default the one derived from the token secret. */
  serviceCredentials?: readonly string[];
  publicLimits?: ApiServerLimits;
  internalLimits?: ApiServerLimits;
  authLimits?: AuthLimits;
  /** scrypt's cost for password hashes; OWASP's by default. */
  passwordCost?: ScryptCost;
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
  internalPort: number;
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
  // Opening PGlite is work on this thread, connecting to Kafka is mostly waiting on the network: done
  // together, a restart is ready that much sooner. Whichever succeeded is closed if the other failed.
  const [opened, connected] = await Promise.allSettled([
    openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize }),
    connectKafka(
      config.kafka,
      logger,
      [TOPICS.userEvents.name, TOPICS.upstream.name, TOPICS.deadLetter.name],
      {
        onFatal,
      },
    ),
  ]);
  if (opened.status === "rejected") {
    if (connected.status === "fulfilled") await connected.value.close();
    throw opened.reason;
  }
  if (connected.status === "rejected") {
    await opened.value.close();
    throw connected.reason;
  }
  const database = opened.value;
  const kafka = connected.value;
  if (database.appliedMigrations.length > 0)
    logger.info({ migrations: database.appliedMigrations }, "migrations applied");

  const deps: ApiDeps = {
    db: database.prisma,
    tokenSecret: config.tokenSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    passwordHasher: createPasswordHasher(config.passwordCost ?? OWASP_SCRYPT_COST),
    authThrottle: new AuthThrottle(config.authLimits ?? DEFAULT_AUTH_LIMITS),
    serviceCredentials: config.serviceCredentials ?? [serviceCredential(config.tokenSecret)],
    presenceTtlMs: config.presenceTtlMs,
    recallWindowMs: config.recallWindowMs,
    publishUserEvents: (events) => kafka.producer.send("userEvents", events),
    publishNotices: (notices) => kafka.producer.send("upstream", notices),
  };
  const onInternalError = (error: unknown, path?: string) => {
    logger.error({ err: error, path }, "api error");
  };
  const server = createPublicApiServer(deps, {
    limits: config.publicLimits ?? PUBLIC_API_LIMITS,
    cors: corsMiddleware(config.corsOrigins),
    onInternalError,
  });
  const internalServer = createInternalApiServer(deps, {
    limits: config.internalLimits ?? INTERNAL_API_LIMITS,
    onInternalError,
  });
  const port = await listenOn(server, config.host, config.port, "im-repo's API (REPO_PORT)");
  const internalPort = await listenOn(
    internalServer,
    config.internalHost ?? "127.0.0.1",
    config.internalPort ?? 0,
    "im-repo's internal API (REPO_INTERNAL_PORT)",
  );
  logger.info({ port, internalPort }, "im-repo listening");

  // The friends' side of presence lives here, next to the friendships and the presence table.
  const presenceConsumer = await kafka.consume({
    groupId: CONSUMER_GROUPS.presenceFriends.name,
    subscription: { topics: [TOPICS.userEvents.name] },
    // A batch at a time: a burst of logins is answered in a few statements, not a round per user.
    handleBatch: async (records) => {
      const spans = records.map((record) =>
        startRecordSpan(record, {
          groupId: CONSUMER_GROUPS.presenceFriends.name,
          attributes: domainAttributes({ userId: (record.value as TopicValue<"userEvents">).user_id }),
        }),
      );
      await endingSpans(spans, () =>
        tellFriendsPresence(
          database.prisma,
          kafka,
          records.map((record, index) => {
            const span = spans[index];
            const event = record.value as TopicValue<"userEvents">;
            return span === undefined ? { event } : { event, cause: trace.setSpan(context.active(), span) };
          }),
          config.presenceTtlMs,
        ),
      );
    },
  });
  const sweeper = startGatewaySweeper(database.prisma, kafka, {
    intervalMs: config.presenceSweepMs,
    presenceTtlMs: config.presenceTtlMs,
    logger,
  });

  // Once: a second stop (a signal during the first, a test tearing down what it already stopped) waits
  // for the first instead of closing closed things.
  let stopped: Promise<void> | undefined;
  return {
    port,
    internalPort,
    database,
    isReady: () => server.listening && internalServer.listening,
    stop: () => {
      stopped ??= (async () => {
        sweeper.stop();
        await stopInOrder(
          () => presenceConsumer.stop(),
          () => close(server),
          () => close(internalServer),
          () => kafka.close(),
          () => database.close(),
        );
      })();
      return stopped;
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
