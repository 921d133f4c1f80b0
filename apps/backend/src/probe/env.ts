import { fields, parseEnv } from "@gochat/config";
import { serviceEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  /** im-repo's public API, where the probe signs in as a client would. */
  PROBE_API_URL: z.url().default("http://127.0.0.1:7000/trpc"),
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Gateways the probe crosses: it sends on the first and receives on the last. */
  PROBE_GATEWAY_URLS: fields.commaList(z.url(), "must list at least one gateway URL"),
  PROBE_INTERVAL_MS: fields.positiveInt.min(100).max(3_600_000).default(10_000),
  /** A probe message not delivered within this long counts as a timeout. */
  PROBE_TIMEOUT_MS: fields.positiveInt.min(100).max(600_000).default(10_000),
};

export type ProbeEnv = z.infer<z.ZodObject<typeof shape>>;

export function readProbeEnv(source: Record<string, string | undefined> = process.env): ProbeEnv {
  return parseEnv("pipeline-probe", shape, source);
}
