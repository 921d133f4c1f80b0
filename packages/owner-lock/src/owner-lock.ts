import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

export interface OwnerLock {
  path: string;
  release: () => void;
}

export interface LockOwner {
  pid: number;
  hostname: string;
  acquiredAt: string;
}

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

/**
 * Makes this process the one owner of whatever `path` guards (a data directory that two processes would
 * corrupt), or throws what `inUse` makes of the live owner. The lock file names its owner's pid. It is written in full to a private file and then
 * hard-linked into place, which fails if a lock exists, so nobody ever reads a half-written lock. A lock
 * whose owner is dead (a crash, kill -9) is moved aside and taken over; if what was moved aside turns out
 * to be a fresh lock of a live owner (two processes taking over at once), it is put back.
 */
export function acquireOwnerLock(path: string, inUse: (owner: LockOwner) => Error): OwnerLock {
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
      if (owner && isOwnerAlive(owner)) throw inUse(owner);
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
        throw inUse(movedAside);
      }
      removeQuietly(aside);
    }
    throw new Error(`could not acquire ${path}: its owner kept changing`);
  } finally {
    removeQuietly(draft);
  }
}

function releaseLock(path: string): void {
  const owner = readOwner(path);
  if (owner?.pid === process.pid && owner.hostname === hostname()) removeQuietly(path);
}
