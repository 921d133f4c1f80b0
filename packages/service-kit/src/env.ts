import { fields } from "@gochat/config";
import { z } from "zod";

/**
 * Settings every service shares; each service's env module spreads these into its own shape. This module
 * imports nothing that telemetry instruments, so an entrypoint can read its configuration before starting
 * OpenTelemetry.
 */
export const kafkaEnvShape = {
  /** Bootstrap list; the start command passes the embedded broker's address when none is configured. */
  KAFKA_BROKERS: fields.hostPortList,
  KAFKA_CLIENT_ID: z.string().min(1).max(100).default("gochat"),
  /** Partitions of topics that GoChat creates itself. */
  KAFKA_TOPIC_PARTITIONS: fields.positiveInt.max(1000).default(3),
  KAFKA_REPLICATION_FACTOR: fields.positiveInt.max(10).default(1),
  /**
   * How long a consumer may go silent before its group hands its partitions to another member. Shorter
   * than kafkajs's 30 s so that a crashed instance's conversations move on quickly; brokers must allow it
   * (Apache Kafka's group.min.session.timeout.ms is 6 s).
   */
  KAFKA_SESSION_TIMEOUT_MS: fields.positiveInt.min(6_000).max(300_000).default(10_000),
};

/** For services that call im-repo's internal API. */
export const serviceCredentialEnvShape = {
  /**
   * The credential presented to `internal.*`; unset, the one derived from GOCHAT_TOKEN_SECRET. Set it to
   * rotate credentials: im-repo accepts every one in its GOCHAT_SERVICE_CREDENTIALS.
   */
  GOCHAT_SERVICE_CREDENTIAL: z.string().min(32, "must be at least 32 characters").optional(),
};

export const serviceEnvShape = {
  LOG_LEVEL: fields.logLevel.default("info"),
  /** Serves /healthz, /readyz and /metrics; 0 picks a free port and logs it. */
  HEALTH_PORT: fields.port.default(0),
  HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  /** The process that started this one (the start command): when it is gone, this service stops too. */
  GOCHAT_SUPERVISOR_PID: fields.positiveInt.optional(),
};

/** The Kafka settings of a service, from its validated environment. */
export function kafkaSettingsFrom(
  env: {
    KAFKA_BROKERS: string[];
    KAFKA_CLIENT_ID: string;
    KAFKA_TOPIC_PARTITIONS: number;
    KAFKA_REPLICATION_FACTOR: number;
    KAFKA_SESSION_TIMEOUT_MS: number;
  },
  service: string,
) {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${service}`,
    topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
  };
}
