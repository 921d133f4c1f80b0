import { fields, parseEnv } from "@gochat/config";
import { instanceId, LIMITS } from "@gochat/contracts";
import { kafkaEnvShape, serviceEnvShape, serviceCredentialEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";
import { DEFAULT_CONNECTION_LIMITS } from "./connection-limits";

const shape = {
  ...serviceEnvShape,
  ...kafkaEnvShape,
  /** Names this instance's downstream topic and consumer group; unique per running gateway. */
  GATEWAY_INSTANCE_ID: instanceId,
  GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  GATEWAY_PORT: fields.port.default(7001),
  /** im-repo's tRPC endpoint, where this gateway keeps its users' presence. */
  REPO_URL: z.url({ message: "must be a URL" }),
  ...serviceCredentialEnvShape,
  PRESENCE_HEARTBEAT_MS: fields.positiveInt.default(5_000),
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  GATEWAY_ACK_TIMEOUT_MS: fields.positiveInt.default(10_000),
  GATEWAY_RATE_CAPACITY: fields.positiveInt.default(30),
  GATEWAY_RATE_PER_SECOND: fields.positiveInt.default(10),
  GATEWAY_MAX_PAYLOAD_BYTES: fields.positiveInt.default(LIMITS.socketEventBytes),
  /** Overload: new sends are refused (UNAVAILABLE, with a retry-after) past this many awaiting acks... */
  GATEWAY_MAX_PENDING_SENDS: fields.positiveInt.default(10_000),
  /** ...or while GATEWAY_OVERDUE_SENDS of them have waited longer than GATEWAY_OVERDUE_AFTER_MS. */
  GATEWAY_OVERDUE_AFTER_MS: fields.positiveInt.default(500),
  GATEWAY_OVERDUE_SENDS: fields.positiveInt.default(20),
  /** Comma-separated origins allowed to open sockets (the chat client's), or `*` for any. */
  GATEWAY_CORS_ORIGINS: fields.corsOrigins.default(fields.DEFAULT_WEB_ORIGINS),
  /** Open sockets per user and per client address on this instance, and handshakes per address per window. */
  GATEWAY_MAX_SOCKETS_PER_USER: fields.positiveInt.default(DEFAULT_CONNECTION_LIMITS.maxSocketsPerUser),
  GATEWAY_MAX_SOCKETS_PER_ADDRESS: fields.positiveInt.default(DEFAULT_CONNECTION_LIMITS.maxSocketsPerAddress),
  GATEWAY_HANDSHAKES_PER_ADDRESS: fields.positiveInt.default(DEFAULT_CONNECTION_LIMITS.handshakesPerAddress),
  GATEWAY_HANDSHAKE_WINDOW_SECONDS: fields.positiveInt.default(
    DEFAULT_CONNECTION_LIMITS.handshakeWindowMs / 1000,
  ),
};

export type GatewayEnv = z.infer<z.ZodObject<typeof shape>>;

export function readGatewayEnv(source: Record<string, string | undefined> = process.env): GatewayEnv {
  return parseEnv("im-gateway", shape, source);
}
