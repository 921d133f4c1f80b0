import { AppError } from "@gochat/contracts";
import { acquireOwnerLock, type OwnerLock } from "@gochat/owner-lock";

export type DataDirLock = OwnerLock;

/**
 * PGlite is one Postgres inside one process with no lock of its own: two processes on one data directory
 * would corrupt it. The lock sits beside the directory, whose contents are PGlite's own.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  return acquireOwnerLock(
    path,
    (owner) =>
      new AppError(
        "UNAVAILABLE",
        `The embedded database at ${dataDir} is in use by process ${owner.pid} on ${owner.hostname} ` +
          `(since ${owner.acquiredAt}). Stop that process, point GOCHAT_DATA_DIR elsewhere, or set DATABASE_URL.`,
        { details: { lockPath: path, ownerPid: owner.pid } },
      ),
  );
}
