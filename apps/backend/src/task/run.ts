import { createLogger, runService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { TaskEnv } from "./env";
import { startTaskService } from "./task-service";

export async function runTask(env: TaskEnv, telemetry: Telemetry): Promise<void> {
  const logger = createLogger({ service: "im-task", level: env.LOG_LEVEL });
  await runService({
    name: "im-task",
    logger,
    healthPort: env.HEALTH_PORT,
    healthHost: env.HEALTH_HOST,
    metricsHandler: telemetry.metricsHandler,
    start: async () => {
      const service = await startTaskService(
        {
          brokers: env.KAFKA_BROKERS,
          clientId: `${env.KAFKA_CLIENT_ID}-task`,
          topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: env.KAFKA_REPLICATION_FACTOR,
          repoUrl: env.REPO_URL,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
          fanoutPageSize: env.FANOUT_PAGE_SIZE,
          topicRefreshMs: env.DOWNSTREAM_TOPIC_REFRESH_MS,
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
