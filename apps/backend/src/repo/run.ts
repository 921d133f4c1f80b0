import { INTERNAL_API_LIMITS } from "@gochat/api";
import { pgliteDirIn } from "@gochat/db/server";
import { kafkaSettingsFrom } from "@gochat/service-kit";
import type { Telemetry } from "@gochat/telemetry";
import { runBackendService } from "../run-backend-service";
import type { RepoEnv } from "./env";
import { startRepoService } from "./repo-service";

export function runRepo(env: RepoEnv, telemetry: Telemetry): Promise<void> {
  return runBackendService({
    name: "im-repo",
    env,
    telemetry,
    start: (logger, fail) =>
      startRepoService(
        {
          kafka: kafkaSettingsFrom(env, "repo"),
          host: env.REPO_HOST,
          port: env.REPO_PORT,
          internalHost: env.REPO_INTERNAL_HOST,
          internalPort: env.REPO_INTERNAL_PORT,
          ...(env.GOCHAT_SERVICE_CREDENTIALS === undefined
            ? {}
            : { serviceCredentials: env.GOCHAT_SERVICE_CREDENTIALS }),
          publicLimits: { maxBodyBytes: env.REPO_MAX_BODY_BYTES, maxBatchSize: env.REPO_MAX_BATCH_SIZE },
          internalLimits: { ...INTERNAL_API_LIMITS, maxBodyBytes: env.REPO_INTERNAL_MAX_BODY_BYTES },
          authLimits: {
            signInFailuresPerAccount: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
            signInFailuresPerAddress: env.SIGNIN_MAX_FAILURES_PER_ADDRESS,
            signInWindowMs: env.SIGNIN_THROTTLE_WINDOW_SECONDS * 1000,
            signUpsPerAddress: env.SIGNUP_MAX_PER_ADDRESS,
            signUpWindowMs: env.SIGNUP_WINDOW_SECONDS * 1000,
          },
          passwordCost: {
            N: 2 ** env.PASSWORD_SCRYPT_LOG2_N,
            r: env.PASSWORD_SCRYPT_R,
            p: env.PASSWORD_SCRYPT_P,
          },
          databaseUrl: env.DATABASE_URL,
          dataDir: env.GOCHAT_DATA_DIR === undefined ? undefined : pgliteDirIn(env.GOCHAT_DATA_DIR),
          poolSize: env.DATABASE_POOL_SIZE,
          tokenSecret: env.GOCHAT_TOKEN_SECRET,
          accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtlMs: env.REFRESH_TOKEN_TTL_DAYS * 24 * 3600 * 1000,
          corsOrigins: env.REPO_CORS_ORIGINS,
          presenceTtlMs: env.PRESENCE_TTL_MS,
          presenceSweepMs: env.PRESENCE_SWEEP_MS,
          recallWindowMs: env.RECALL_WINDOW_MS,
        },
        logger,
        fail,
      ),
  });
}
