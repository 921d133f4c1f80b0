import { createLogger, runService } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import type { GatewayEnv } from "./env";
import { startGatewayService } from "./gateway-service";

export async function runGateway(env: GatewayEnv, telemetry: Telemetry): Promise<void> {
  const logger = createLogger({
    service: "im-gateway",
    instance: env.GATEWAY_INSTANCE_ID,
    level: env.LOG_LEVEL,
  });
  await runService({
    name: "im-gateway",
    logger,
    healthPort: env.HEALTH_PORT,
    healthHost: env.HEALTH_HOST,
    metricsHandler: telemetry.metricsHandler,
    start: async () => {
      const service = await startGatewayService(
        {
          instanceId: env.GATEWAY_INSTANCE_ID,
          host: env.GATEWAY_HOST,
          port: env.GATEWAY_PORT,
          brokers: env.KAFKA_BROKERS,
          clientId: `${env.KAFKA_CLIENT_ID}-gateway-${env.GATEWAY_INSTANCE_ID}`,
          topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: env.KAFKA_REPLICATION_FACTOR,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
          ackTimeoutMs: env.GATEWAY_ACK_TIMEOUT_MS,
          maxPayloadBytes: env.GATEWAY_MAX_PAYLOAD_BYTES,
          rateLimit: { capacity: env.GATEWAY_RATE_CAPACITY, refillPerSecond: env.GATEWAY_RATE_PER_SECOND },
          corsOrigins:
            env.GATEWAY_CORS_ORIGINS === "*"
              ? true
              : env.GATEWAY_CORS_ORIGINS.split(",").map((o) => o.trim()),
          presence: { repoUrl: env.REPO_URL, heartbeatMs: env.PRESENCE_HEARTBEAT_MS },
        },
        logger,
      );
      return {
        ...service,
        stop: async () => {
          await service.stop();
          // Last, so the spans of the shutdown itself are exported.
          await telemetry.shutdown();
        },
      };
    },
  });
}
