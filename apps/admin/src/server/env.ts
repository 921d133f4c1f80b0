import { fields, parseEnv } from "@gochat/config";
import { kafkaEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL");

const shape = {
  /** The secret im-repo signs access tokens with: the console verifies them itself. */
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** im-repo's tRPC API, for sign-in and every database-backed view. */
  GOCHAT_REPO_URL: httpUrl.default("http://127.0.0.1:7000/trpc"),
  KAFKA_BROKERS: fields.hostPortList.prefault("127.0.0.1:9092"),
  // SASL and TLS towards the brokers, as every service reads them (the start command passes the
  // embedded broker's credentials).
  KAFKA_SASL_MECHANISM: kafkaEnvShape.KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME: kafkaEnvShape.KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD: kafkaEnvShape.KAFKA_SASL_PASSWORD,
  KAFKA_SSL: kafkaEnvShape.KAFKA_SSL,
  KAFKA_SSL_CA_FILE: kafkaEnvShape.KAFKA_SSL_CA_FILE,
  /** Services whose /readyz the overview shows, as `name=url` pairs (the URL of the health port). */
  GOCHAT_ADMIN_SERVICES: fields
    .commaList(
      z
        .string()
        .regex(/^[A-Za-z0-9 _-]+=https?:\/\/\S+$/, "each entry must be name=http(s)://host:port")
        .transform((entry) => {
          const at = entry.indexOf("=");
          return { name: entry.slice(0, at), url: entry.slice(at + 1) };
        }),
      "must list at least one service",
    )
    .prefault(
      "im-repo=http://127.0.0.1:7100,im-logic=http://127.0.0.1:7110,im-task=http://127.0.0.1:7111,analytics=http://127.0.0.1:7112,notification-service=http://127.0.0.1:7113,im-gateway gw-1=http://127.0.0.1:7101,im-gateway gw-2=http://127.0.0.1:7102",
    ),
  /** The embedded trace store's query API (npm start runs it on the API port + 318). */
  GOCHAT_TRACE_STORE_URL: httpUrl.default("http://127.0.0.1:7318"),
  /** analytics' HTTP port, for online users over time and the read rate (`GET /stats`). */
  GOCHAT_ANALYTICS_URL: httpUrl.default("http://127.0.0.1:7200"),
  /** User and message events the event stream holds in memory. */
  GOCHAT_ADMIN_EVENTS_HELD: fields.positiveInt.max(1_000_000).default(20_000),
  /** Records of each event partition read back when the stream starts. */
  GOCHAT_ADMIN_EVENTS_BACKFILL: fields.positiveInt.max(1_000_000).default(2_000),
  /** How often consumer groups are sampled for lag, status and history. */
  GOCHAT_ADMIN_SAMPLE_MS: fields.positiveInt.default(2000),
  /** How long lag history is kept (in memory). */
  GOCHAT_ADMIN_HISTORY_MS: fields.positiveInt.default(60 * 60 * 1000),
  /** Observations in each partition's status window. */
  GOCHAT_ADMIN_STATUS_WINDOW: fields.positiveInt.default(10),
};

export type AdminEnv = z.infer<z.ZodObject<typeof shape>>;

let parsed: AdminEnv | undefined;

/** Parsed on first use (not at build time), once; a bad variable is named in the error. */
export function readAdminEnv(source: Record<string, string | undefined> = process.env): AdminEnv {
  if (source !== process.env) return parseEnv("gochat admin", shape, source);
  parsed ??= parseEnv("gochat admin", shape, source);
  return parsed;
}
