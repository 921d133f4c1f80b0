import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock";

export type OwnedPglite = { db: PGlite; close: () => Promise<void> };

const IN_MEMORY = "memory://";

/**
 * Opens PGlite on a data directory this process then owns exclusively (see acquireDataDirLock);
 * `memory://` gives a private in-memory database that needs no lock.
 */
export async function openPglite(dataDir: string): Promise<OwnedPglite> {
  if (dataDir.startsWith(IN_MEMORY)) {
    const db = await PGlite.create(dataDir);
    return { db, close: () => db.close() };
  }
  const directory = resolve(dataDir);
  mkdirSync(dirname(directory), { recursive: true });
  const lock: DataDirLock = acquireDataDirLock(directory);
  let db: PGlite;
  try {
    db = await PGlite.create(directory);
  } catch (error) {
    lock.release();
    throw error;
  }
  let closed = false;
  return {
    db,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
