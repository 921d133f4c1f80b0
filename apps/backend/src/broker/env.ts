import { fields, parseEnv } from "@gochat/config";
import { serviceEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  /** Loopback by default: only processes on this machine can reach the embedded broker. */
  BROKER_HOST: z.string().min(1).default("127.0.0.1"),
  BROKER_PORT: fields.port.default(9092),
  /** Its logs, consumer offsets and cluster id; locked against a second broker on the same directory. */
  BROKER_DATA_DIR: z.string().min(1, "must name the broker's data directory"),
  /** The one SASL/PLAIN user every connection must authenticate as. */
  BROKER_SASL_USERNAME: z.string().min(1, "must not be empty"),
  BROKER_SASL_PASSWORD: z.string().min(32, "must be at least 32 characters"),
  /** Largest record batch a producer may append, as Kafka's message.max.bytes. */
  BROKER_MAX_BATCH_BYTES: fields.positiveInt.min(1024).optional(),
};

export type BrokerEnv = z.infer<z.ZodObject<typeof shape>>;

export function readBrokerEnv(source: Record<string, string | undefined> = process.env): BrokerEnv {
  return parseEnv("kafka-broker", shape, source);
}
