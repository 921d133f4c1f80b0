import { fields, parseEnv } from "@gochat/config";
import { serviceEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  TRACE_STORE_HOST: z.string().min(1).default("127.0.0.1"),
  /** OTLP/HTTP on `/v1/traces` and the query API on `/api/traces`; 4318 is OTLP/HTTP's usual port. */
  TRACE_STORE_PORT: fields.port.default(4318),
  /** Approximate memory the spans may take before the oldest traces are dropped. */
  TRACE_STORE_MAX_MB: fields.positiveInt.max(65_536).default(256),
  /** How long a trace is kept after its first span arrived. */
  TRACE_STORE_MAX_AGE_MINUTES: fields.positiveInt.max(7 * 24 * 60).default(60),
  /** Origins of pages that may export spans and read traces; `*` for any. */
  TRACE_STORE_CORS_ORIGINS: fields.corsOrigins.default(true),
};

export type TraceStoreEnv = z.infer<z.ZodObject<typeof shape>>;

export function readTraceStoreEnv(source: Record<string, string | undefined> = process.env): TraceStoreEnv {
  return parseEnv("trace-store", shape, source);
}
