import { pgliteDirIn } from "@gochat/db/server";
import { createLogger, runService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { RepoEnv } from "./env";
import { startRepoService } from "./repo-service";

export async function runRepo(env: RepoEnv, telemetry: Telemetry): Promise<void> {
  const logger = createLogger({ service: "im-repo", level: env.LOG_LEVEL });
  await runService({
    name: "im-repo",
    logger,
    healthPort: env.HEALTH_PORT,
    healthHost: env.HEALTH_HOST,
    metricsHandler: telemetry.metricsHandler,
    start: async () => {
      const service = await startRepoService(
        {
          host: env.REPO_HOST,
          port: env.REPO_PORT,
          brokers: env.KAFKA_BROKERS,
          clientId: `${env.KAFKA_CLIENT_ID}-repo`,
          topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: env.KAFKA_REPLICATION_FACTOR,
          databaseUrl: env.DATABASE_URL,
          dataDir: env.GOCHAT_DATA_DIR === undefined ? undefined : pgliteDirIn(env.GOCHAT_DATA_DIR),
          poolSize: env.DATABASE_POOL_SIZE,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtlMs: env.REFRESH_TOKEN_TTL_DAYS * 24 * 3600 * 1000,
          corsOrigins:
            env.REPO_CORS_ORIGINS === "*" ? true : env.REPO_CORS_ORIGINS.split(",").map((o) => o.trim()),
          presenceTtlMs: env.PRESENCE_TTL_MS,
        },
        logger,
      );
      return {
        ...service,
        stop: async () => {
          await service.stop();
          await telemetry.shutdown();
        },
      };
    },
  });
}
