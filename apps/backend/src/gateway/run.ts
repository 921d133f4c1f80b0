import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import type { GatewayEnv } from "./env";
import { startGatewayService } from "./gateway-service";

export function runGateway(env: GatewayEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "im-gateway",
    instance: env.GATEWAY_INSTANCE_ID,
    env,
    telemetry,
    start: (logger, fail) =>
      startGatewayService(
        {
          kafka: kafkaSettingsFrom(env, `gateway-${env.GATEWAY_INSTANCE_ID}`),
          instanceId: env.GATEWAY_INSTANCE_ID,
          host: env.GATEWAY_HOST,
          port: env.GATEWAY_PORT,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          ...(env.GOCHAT_SERVICE_CREDENTIAL === undefined
            ? {}
            : { serviceCredential: env.GOCHAT_SERVICE_CREDENTIAL }),
          ackTimeoutMs: env.GATEWAY_ACK_TIMEOUT_MS,
          maxPayloadBytes: env.GATEWAY_MAX_PAYLOAD_BYTES,
          rateLimit: { capacity: env.GATEWAY_RATE_CAPACITY, refillPerSecond: env.GATEWAY_RATE_PER_SECOND },
          corsOrigins: env.GATEWAY_CORS_ORIGINS,
          overload: {
            maxPendingSends: env.GATEWAY_MAX_PENDING_SENDS,
            overdueAfterMs: env.GATEWAY_OVERDUE_AFTER_MS,
            overdueSends: env.GATEWAY_OVERDUE_SENDS,
          },
          connectionLimits: {
            maxSocketsPerUser: env.GATEWAY_MAX_SOCKETS_PER_USER,
            maxSocketsPerAddress: env.GATEWAY_MAX_SOCKETS_PER_ADDRESS,
            handshakesPerAddress: env.GATEWAY_HANDSHAKES_PER_ADDRESS,
            handshakeWindowMs: env.GATEWAY_HANDSHAKE_WINDOW_SECONDS * 1000,
          },
          presence: { repoUrl: env.REPO_URL, heartbeatMs: env.PRESENCE_HEARTBEAT_MS },
        },
        logger,
        fail,
      ),
  });
}
