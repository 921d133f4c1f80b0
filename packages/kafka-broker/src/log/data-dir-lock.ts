import { join } from "node:path";
import { acquireOwnerLock } from "@gochat/owner-lock";

/**
 * Claims the data directory for this process: two brokers appending to the same segment files
 * would interleave batches and corrupt both. A lock left by a killed broker (its process is gone)
 * is taken over, so restarting after `kill -9` just works.
 */
export function lockDataDir(dataDir: string): () => void {
  const lock = acquireOwnerLock(
    join(dataDir, ".lock"),
    (owner) => new Error(`data directory ${dataDir} is in use by process ${owner.pid} on ${owner.hostname}`),
  );
  return lock.release;
}
