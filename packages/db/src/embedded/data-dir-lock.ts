import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { AppError } from "@gochat/contracts";

export type DataDirLock = { path: string; release: () => void };

type LockOwner = { pid: number; hostname: string; acquiredAt: string };

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.hostname === "string"
      ? (owner as LockOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** An owner on another host cannot be checked, so it counts as alive. */
function isOwnerAlive(owner: LockOwner): boolean {
  return owner.hostname !== hostname() || isProcessAlive(owner.pid);
}

function inUseError(dataDir: string, path: string, owner: LockOwner): AppError {
  return new AppError(
    "UNAVAILABLE",
    `The embedded database at ${dataDir} is in use by process ${owner.pid} on ${owner.hostname} ` +
      `(since ${owner.acquiredAt}). Stop that process, point GOCHAT_DATA_DIR elsewhere, or set DATABASE_URL.`,
    { details: { lockPath: path, ownerPid: owner.pid } },
  );
}

/**
 * PGlite is one Postgres inside one process with no lock of its own: two processes on one data directory
 * would corrupt it. The lock file names its owner's pid. It is written in full to a private file and then
 * hard-linked into place, which fails if a lock exists, so nobody ever reads a half-written lock. A lock
 * whose owner is dead (a crash, kill -9) is moved aside and taken over; if what was moved aside turns out
 * to be a fresh lock of a live owner (two processes taking over at once), it is put back.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  const mine: LockOwner = { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString() };
  const draft = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        linkSync(draft, path);
        return {
          path,
          release: () => {
            releaseLock(path);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(path);
      if (owner && isOwnerAlive(owner)) throw inUseError(dataDir, path, owner);
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw error;
      }
      const movedAside = readOwner(aside);
      if (movedAside && isOwnerAlive(movedAside)) {
        try {
          linkSync(aside, path);
        } finally {
          removeQuietly(aside);
        }
        throw inUseError(dataDir, path, movedAside);
      }
      removeQuietly(aside);
    }
    throw new AppError("UNAVAILABLE", `Could not acquire ${path} for the embedded database.`);
  } finally {
    removeQuietly(draft);
  }
}

function releaseLock(path: string): void {
  const owner = readOwner(path);
  if (owner?.pid === process.pid && owner.hostname === hostname()) removeQuietly(path);
}
