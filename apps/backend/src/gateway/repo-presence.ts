import { setTimeout as sleep } from "node:timers/promises";
import { LIMITS } from "@gochat/contracts";
import type { Logger } from "@gochat/service-kit";
import type { RepoClient } from "../clients/repo-client";
import { BatchingQueue } from "./batching-queue";
import type { PresenceSink } from "./gateway";

export interface GatewayPresence extends PresenceSink {
  stop(): Promise<void>;
}

/** Attempts for one batch of attaches and detaches before it is given up. */
const ATTEMPTS = 4;

/**
 * Keeps this gateway's presence in im-repo: registered at start (which forgets what a previous run left),
 * a heartbeat that keeps its users counting as online, and removed on a clean stop. If the process dies,
 * the missing heartbeat lets its users expire instead. If a heartbeat finds the registration gone (swept
 * during a stall, say), the gateway registers again and re-attaches every user it holds. Attaches and
 * detaches travel in batches, in the order they happened, so a burst of thousands of sockets coming or
 * going is a few calls rather than thousands.
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
    const users = options.connectedUsers();
    for (let start = 0; start < users.length; start += LIMITS.presenceChangesPerCall) {
      const chunk = users.slice(start, start + LIMITS.presenceChangesPerCall);
      await repo.internal.applySocketChanges.mutate({
        gatewayId,
        changes: chunk.map((userId) => ({ userId, attached: true })),
      });
    }
    for (const userId of users) await options.announceOnline(userId);
  }

  const changes = new BatchingQueue<{ userId: string; attached: boolean }>(
    (batch) =>
      withRetries("presence", () => repo.internal.applySocketChanges.mutate({ gatewayId, changes: batch })),
    { maxQueued: Number.MAX_SAFE_INTEGER, maxBatch: LIMITS.presenceChangesPerCall },
  );

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
    online: (userId) => changes.push({ userId, attached: true }),
    offline: (userId) => changes.push({ userId, attached: false }),
    stop: async () => {
      clearInterval(timer);
      await changes.drain();
      try {
        await repo.internal.unregisterGateway.mutate({ gatewayId, startedAt });
      } catch (error) {
        // A stop must finish with im-repo away too; the registration then expires with its heartbeat.
        options.logger.warn({ err: error }, "could not unregister this gateway's presence; it will expire");
      }
    },
  };
}
