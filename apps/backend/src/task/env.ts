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
  FANOUT_PAGE_SIZE: fields.positiveInt.max(5000).default(1000),
  DOWNSTREAM_TOPIC_REFRESH_MS: fields.positiveInt.default(5_000),
};

export type TaskEnv = z.infer<z.ZodObject<typeof shape>>;

export function readTaskEnv(source: Record<string, string | undefined> = process.env): TaskEnv {
  return parseEnv("im-task", shape, source);
}
