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
