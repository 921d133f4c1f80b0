import { createLogger, runService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { LogicEnv } from "./env";
import { startLogicService } from "./logic-service";

export async function runLogic(env: LogicEnv, telemetry: Telemetry): Promise<void> {
  const logger = createLogger({ service: "im-logic", level: env.LOG_LEVEL });
  await runService({
    name: "im-logic",
    logger,
    healthPort: env.HEALTH_PORT,
    healthHost: env.HEALTH_HOST,
    metricsHandler: telemetry.metricsHandler,
    start: async () => {
      const service = await startLogicService(
        {
          brokers: env.KAFKA_BROKERS,
          clientId: `${env.KAFKA_CLIENT_ID}-logic`,
          topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: env.KAFKA_REPLICATION_FACTOR,
          repoUrl: env.REPO_URL,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
          partitionsConcurrently: env.LOGIC_PARTITIONS_CONCURRENTLY,
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
