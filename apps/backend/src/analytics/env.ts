import { fields, parseEnv } from "@gochat/config";
import { kafkaEnvShape, serviceEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  ...kafkaEnvShape,
  ANALYTICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** Serves GET /stats. */
  ANALYTICS_PORT: fields.port.default(7200),
  ANALYTICS_TOPIC_REFRESH_MS: fields.positiveInt.default(5_000),
  /** Recent event and message ids remembered so that a redelivered record is counted once. */
  ANALYTICS_RECENT_IDS: fields.positiveInt.max(10_000_000).default(100_000),
  /** Verifies admins' access tokens for GET /stats. */
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Service credentials GET /stats accepts besides admins' tokens; unset, the one derived from the secret. */
  GOCHAT_SERVICE_CREDENTIALS: fields
    .commaList(z.string().min(32, "each credential must be at least 32 characters"), "must list a credential")
    .optional(),
  /** How often every consumer group's lag is sampled for /metrics (gochat.consumer.lag*); 0 turns it off. */
  LAG_SAMPLE_INTERVAL_MS: fields.nonNegativeInt.max(3_600_000).default(5_000),
};

export type AnalyticsEnv = z.infer<z.ZodObject<typeof shape>>;

export function readAnalyticsEnv(source: Record<string, string | undefined> = process.env): AnalyticsEnv {
  return parseEnv("analytics", shape, source);
}
