import { fields, parseEnv } from "@gochat/config";
import { kafkaEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

/** Services that run as several instances; im-repo owns the database and analytics keeps one tally. */
export const SCALABLE_SERVICES = ["im-logic", "im-task", "notification-service"] as const;
export type ScalableService = (typeof SCALABLE_SERVICES)[number];

const shape = {
  /** A real cluster; when unset the embedded broker is started on GOCHAT_BROKER_PORT. */
  KAFKA_BROKERS: fields.hostPortList.optional(),
  /** SASL and TLS towards KAFKA_BROKERS (the embedded broker uses its own generated credentials). */
  KAFKA_SASL_MECHANISM: kafkaEnvShape.KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME: kafkaEnvShape.KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD: kafkaEnvShape.KAFKA_SASL_PASSWORD,
  KAFKA_SSL: kafkaEnvShape.KAFKA_SSL,
  KAFKA_SSL_CA_FILE: kafkaEnvShape.KAFKA_SSL_CA_FILE,
  /** PostgreSQL; when unset the embedded PGlite under GOCHAT_DATA_DIR is used. */
  DATABASE_URL: fields.postgresUrl.optional(),
  GOCHAT_DATA_DIR: z.string().min(1).default(".data"),
  GOCHAT_BROKER_PORT: fields.port.default(9092),
  GOCHAT_REPO_PORT: fields.port.default(7000),
  /**
   * im-repo's internal API (`internal.*`), on loopback; the other services call it there. By default
   * GOCHAT_REPO_PORT + 10 (7010), so that several systems can run side by side.
   */
  GOCHAT_REPO_INTERNAL_PORT: fields.port.optional(),
  /**
   * Origins browsers load the chat client from, allowed by CORS on im-repo and the gateways; by default
   * http://localhost and http://127.0.0.1 on GOCHAT_WEB_PORT.
   */
  GOCHAT_WEB_ORIGINS: fields.corsOrigins.optional(),
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Gateway instances to run, as `id:port` pairs. */
  GOCHAT_GATEWAYS: z
    .string()
    .default("gw-1:7001,gw-2:7002")
    .transform((value) => value.split(",").map((entry) => entry.trim()))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]+:\d{1,5}$/, "each entry must be instanceId:port")).min(1)),
  /**
   * How many instances of the scalable services to run, as `service=count` pairs, e.g.
   * `im-logic=2,im-task=2`; each is 1 unless named. Instances of a service share its consumer groups.
   */
  GOCHAT_INSTANCES: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(im-logic|im-task|notification-service)=[1-9]$/,
            "each entry must be im-logic, im-task or notification-service, = 1 to 9",
          ),
      ),
    )
    .transform(
      (entries) =>
        Object.fromEntries(
          entries.map((entry) => {
            const [service = "", count = "1"] = entry.split("=");
            return [service, Number(count)];
          }),
        ) as Partial<Record<ScalableService, number>>,
    ),
  /** The chat client (apps/web, once built); 0 leaves it out. */
  GOCHAT_WEB_PORT: fields.port.default(3000),
  /** The admin console (apps/admin, once built); 0 leaves it out. */
  GOCHAT_ADMIN_PORT: fields.port.default(3001),
  /** Where browsers reach the API and gateways, when not this machine's ports (apps/web validates them). */
  GOCHAT_PUBLIC_API_URL: z.string().min(1).optional(),
  GOCHAT_PUBLIC_GATEWAYS: z.string().min(1).optional(),
  /** Where browsers send the spans of their sends; by default the embedded trace store, when it runs. */
  GOCHAT_PUBLIC_TRACES_URL: z.string().min(1).optional(),
  /** The share of sends the browser traces; by default the services' own (OTEL_TRACES_SAMPLER). */
  GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: z.coerce
    .number({ message: "must be a number" })
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .optional(),
  LOG_LEVEL: fields.logLevel.default("info"),
  /** How often the pipeline probe sends a synthetic message through the system; 0 leaves it out. */
  GOCHAT_PROBE_INTERVAL_MS: fields.nonNegativeInt.max(3_600_000).default(10_000),
  /**
   * The niceness (CPU priority, 0–19) of the services no message waits on: im-task, notification-service,
   * analytics and the embedded trace store. 0 runs them level with the hot path.
   */
  GOCHAT_BACKGROUND_NICE: fields.nonNegativeInt.max(19, "must be a niceness from 0 to 19").default(10),
  /** The embedded trace store (false leaves it out); it also stays out when OTLP is pointed elsewhere. */
  GOCHAT_TRACE_STORE: fields.flag.default(true),
  /** Its OTLP/HTTP and query port; by default GOCHAT_REPO_PORT + 318. */
  GOCHAT_TRACE_STORE_PORT: fields.port.optional(),
  /** Standard OpenTelemetry variables: set, they send every service's spans to a collector instead. */
  OTEL_TRACES_EXPORTER: z
    .string()
    .regex(/^[a-z_,]+$/, "must be a list of exporter names")
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ message: "must be a URL" }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ message: "must be a URL" }).optional(),
  /** Passed on to notification-service; without it notifications are not e-mailed. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
};

export type StartEnv = z.infer<z.ZodObject<typeof shape>>;

export function readStartEnv(source: Record<string, string | undefined> = process.env): StartEnv {
  return parseEnv("gochat start", shape, source);
}

/** What child services inherit: the whole environment, as a process manager would pass it. */
export function inheritedEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
