import { ConfigError, fields } from "@gochat/config";
import type { KafkaSecurity } from "./kafka/client";
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
   * than kafkajs's 30 s so that a crashed instance's conversations move on quickly: on a real cluster a
   * dead member's partitions wait this long, then the survivors' next heartbeat (every 250 ms) and a
   * rejoin: under 10 s in all at 7 s. Brokers must allow it (Apache Kafka's group.min.session.timeout.ms is 6 s).
   */
  KAFKA_SESSION_TIMEOUT_MS: fields.positiveInt.min(6_000).max(300_000).default(7_000),
  /**
   * SASL towards the brokers (a real cluster's, or the embedded broker's credentials, which the start
   * command passes on): mechanism, user and password together, or none of them.
   */
  KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"]).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** TLS to the brokers; KAFKA_SSL_CA_FILE names a PEM file when their certificates come from a private CA. */
  KAFKA_SSL: fields.flag.default(false),
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
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

type KafkaSecurityEnv = {
  KAFKA_SASL_MECHANISM?: "plain" | "scram-sha-256" | "scram-sha-512" | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
};

/** SASL and TLS settings from a validated environment; a half-given SASL setting is a ConfigError. */
export function kafkaSecurityFrom(env: KafkaSecurityEnv, service: string): KafkaSecurity | undefined {
  const sasl = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD];
  const given = sasl.filter((value) => value !== undefined).length;
  if (given !== 0 && given !== 3) {
    throw new ConfigError(service, [
      {
        variable: "KAFKA_SASL_MECHANISM",
        message: "KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together",
      },
    ]);
  }
  if (env.KAFKA_SSL_CA_FILE !== undefined && !env.KAFKA_SSL) {
    throw new ConfigError(service, [{ variable: "KAFKA_SSL_CA_FILE", message: "needs KAFKA_SSL=true" }]);
  }
  const security: KafkaSecurity = {
    ...(env.KAFKA_SASL_MECHANISM === undefined ||
    env.KAFKA_SASL_USERNAME === undefined ||
    env.KAFKA_SASL_PASSWORD === undefined
      ? {}
      : {
          sasl: {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD,
          },
        }),
    ...(env.KAFKA_SSL
      ? { tls: env.KAFKA_SSL_CA_FILE === undefined ? {} : { caFile: env.KAFKA_SSL_CA_FILE } }
      : {}),
  };
  return security.sasl === undefined && security.tls === undefined ? undefined : security;
}

/** The Kafka settings of a service, from its validated environment. */
export function kafkaSettingsFrom(
  env: {
    KAFKA_BROKERS: string[];
    KAFKA_CLIENT_ID: string;
    KAFKA_TOPIC_PARTITIONS: number;
    KAFKA_REPLICATION_FACTOR: number;
    KAFKA_SESSION_TIMEOUT_MS: number;
  } & KafkaSecurityEnv,
  service: string,
) {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${service}`,
    topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    security: kafkaSecurityFrom(env, service),
  };
}
