import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@gochat/service-kit";
import type { RepoClient } from "../clients/repo-client";
import type { PresenceSink } from "./gateway";

export interface GatewayPresence extends PresenceSink {
  stop(): Promise<void>;
}

/** Attempts for one attach or detach before it is given up (the next heartbeat's resync repairs it). */
const ATTEMPTS = 4;

/**
 * Keeps this gateway's presence in im-repo: registered at start (which forgets what a previous run left),
 * a heartbeat that keeps its users counting as online, and removed on a clean stop. If the process dies,
 * the missing heartbeat lets its users expire instead. If a heartbeat finds the registration gone (swept
 * during a stall, say), the gateway registers again and re-attaches every user it holds.
 */
export async function startGatewayPresence(
  repo: RepoClient,
  gatewayId: string,
  options: {
    heartbeatMs: number;
    connectedUsers: () => string[];
    /** Publishes user.online for a user re-attached after a lost registration (they were announced offline). */
    announceOnline: (userId: string) => Promise<void>;
    logger: Logger;
  },
): Promise<GatewayPresence> {
  let { startedAt } = await repo.internal.registerGateway.mutate({ gatewayId });

  async function withRetries(what: string, call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        options.logger.warn({ err: error, attempt, what }, "presence call failed; retrying");
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async function beat(): Promise<void> {
    const { registered } = await repo.internal.beatGateway.mutate({ gatewayId, startedAt });
    if (registered) return;
    options.logger.warn("presence registration was gone; registering again");
    ({ startedAt } = await repo.internal.registerGateway.mutate({ gatewayId }));
    for (const userId of options.connectedUsers()) {
      await repo.internal.attachSocket.mutate({ gatewayId, userId });
      await options.announceOnline(userId);
    }
  }

  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    beat()
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, "presence heartbeat failed");
      })
      .finally(() => {
        beating = false;
      });
  }, options.heartbeatMs);
  timer.unref();

  return {
    online: (userId) => withRetries("attach", () => repo.internal.attachSocket.mutate({ gatewayId, userId })),
    offline: (userId) =>
      withRetries("detach", () => repo.internal.detachSocket.mutate({ gatewayId, userId })),
    stop: async () => {
      clearInterval(timer);
      await repo.internal.unregisterGateway.mutate({ gatewayId, startedAt });
    },
  };
}
