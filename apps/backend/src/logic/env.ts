import { fields, parseEnv } from "@gochat/config";
import { kafkaEnvShape, serviceEnvShape, serviceCredentialEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  ...kafkaEnvShape,
  /** im-repo's tRPC endpoint, e.g. http://127.0.0.1:7000/trpc. */
  REPO_URL: z.url({ message: "must be a URL" }),
  ...serviceCredentialEnvShape,
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  LOGIC_PARTITIONS_CONCURRENTLY: fields.positiveInt.max(64).default(4),
};

export type LogicEnv = z.infer<z.ZodObject<typeof shape>>;

export function readLogicEnv(source: Record<string, string | undefined> = process.env): LogicEnv {
  return parseEnv("im-logic", shape, source);
}
