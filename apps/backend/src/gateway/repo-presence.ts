import type { Logger } from "@gochat/service-kit";
import type { RepoClient } from "../clients/repo-client";
import type { PresenceSink } from "./gateway";

export interface GatewayPresence extends PresenceSink {
  stop(): Promise<void>;
}

/**
 * Keeps this gateway's presence in im-repo: registered at start (which forgets what a previous run left),
 * a heartbeat that keeps its users counting as online, and removed on a clean stop. If the process dies,
 * the missing heartbeat lets its users expire instead.
 */
export async function startGatewayPresence(
  repo: RepoClient,
  gatewayId: string,
  heartbeatMs: number,
  logger: Logger,
): Promise<GatewayPresence> {
  await repo.internal.registerGateway.mutate({ gatewayId });
  const timer = setInterval(() => {
    repo.internal.beatGateway.mutate({ gatewayId }).catch((error: unknown) => {
      logger.warn({ err: error }, "presence heartbeat failed");
    });
  }, heartbeatMs);
  timer.unref();
  return {
    online: async (userId) => {
      await repo.internal.attachSocket.mutate({ gatewayId, userId });
    },
    offline: async (userId) => {
      await repo.internal.detachSocket.mutate({ gatewayId, userId });
    },
    stop: async () => {
      clearInterval(timer);
      await repo.internal.unregisterGateway.mutate({ gatewayId });
    },
  };
}
