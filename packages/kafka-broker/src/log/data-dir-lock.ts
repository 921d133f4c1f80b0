import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims the data directory for this process: two brokers appending to the same segment files
 * would interleave batches and corrupt both. A lock left by a killed broker (its process is gone)
 * is taken over, so restarting after `kill -9` just works.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, ".lock");
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const holder = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
      throw new Error(`data directory ${dataDir} is in use by process ${holder}`, { cause: error });
    }
    writeFileSync(path, String(process.pid));
  }
  return () => {
    rmSync(path, { force: true });
  };
}
