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
  /** The internal API (`internal.*`) listens apart from the public one, on loopback unless told otherwise. */
  REPO_INTERNAL_HOST: z.string().min(1).default("127.0.0.1"),
  REPO_INTERNAL_PORT: fields.port.default(7010),
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /**
   * The service credentials `internal.*` accepts (comma-separated, each at least 32 characters). Unset, the
   * one derived from GOCHAT_TOKEN_SECRET. To rotate: list the new and the old, move every service to the
   * new (GOCHAT_SERVICE_CREDENTIAL), then list only the new.
   */
  GOCHAT_SERVICE_CREDENTIALS: fields
    .commaList(z.string().min(32, "each credential must be at least 32 characters"), "must list a credential")
    .optional(),
  /** Bytes of one request body on the public API, refused before it is parsed. */
  REPO_MAX_BODY_BYTES: fields.positiveInt.max(64 * 1024 * 1024).default(512 * 1024),
  /** Procedures in one batched request on the public API. */
  REPO_MAX_BATCH_SIZE: fields.positiveInt.max(1000).default(10),
  REPO_INTERNAL_MAX_BODY_BYTES: fields.positiveInt.max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Failed sign-ins per account, and per client address, within SIGNIN_THROTTLE_WINDOW_SECONDS. */
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: fields.positiveInt.default(10),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: fields.positiveInt.default(100),
  SIGNIN_THROTTLE_WINDOW_SECONDS: fields.positiveInt.default(15 * 60),
  /** Accounts one client address may create within SIGNUP_WINDOW_SECONDS. */
  SIGNUP_MAX_PER_ADDRESS: fields.positiveInt.default(20),
  SIGNUP_WINDOW_SECONDS: fields.positiveInt.default(60 * 60),
  /**
   * scrypt's cost for new password hashes: N = 2^PASSWORD_SCRYPT_LOG2_N. The default is OWASP's (N=2^17,
   * r=8, p=1); tests may lower it. Hashes of another cost are replaced at their next sign-in.
   */
  PASSWORD_SCRYPT_LOG2_N: fields.positiveInt
    .min(10, "must be at least 10")
    .max(20, "must be at most 20")
    .default(17),
  PASSWORD_SCRYPT_R: fields.positiveInt.max(32).default(8),
  PASSWORD_SCRYPT_P: fields.positiveInt.max(16).default(1),
  ACCESS_TOKEN_TTL_SECONDS: fields.positiveInt.default(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: fields.positiveInt.default(30),
  /** Comma-separated origins allowed to call the API from a browser (the chat client's), or `*` for any. */
  REPO_CORS_ORIGINS: fields.corsOrigins.default(fields.DEFAULT_WEB_ORIGINS),
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
