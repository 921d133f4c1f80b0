import { fields, parseEnv } from "@gochat/config";
import { dbEnvShape } from "@gochat/db/env";
import { kafkaEnvShape, serviceEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  ...kafkaEnvShape,
  ...dbEnvShape,
  REPO_HOST: z.string().min(1).default("127.0.0.1"),
  REPO_PORT: fields.port.default(7000),
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  ACCESS_TOKEN_TTL_SECONDS: fields.positiveInt.default(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: fields.positiveInt.default(30),
  /** Comma-separated origins allowed to call the API from a browser, or `*` for any. */
  REPO_CORS_ORIGINS: fields.corsOrigins.default(true),
  /** A gateway's users count as online for this long after its last heartbeat. */
  PRESENCE_TTL_MS: fields.positiveInt.default(15_000),
  PRESENCE_SWEEP_MS: fields.positiveInt.default(5_000),
  /** How long after sending a sender may recall a message; group owners and admins may at any time. */
  RECALL_WINDOW_MS: fields.positiveInt.default(2 * 60 * 1000),
};

export type RepoEnv = z.infer<z.ZodObject<typeof shape>>;

export function readRepoEnv(source: Record<string, string | undefined> = process.env): RepoEnv {
  return parseEnv("im-repo", shape, source);
}
