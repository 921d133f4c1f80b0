import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { repoRoot, systemBaseEnv } from "../env";

/** The demo seed's users and its super-large group (packages/db/src/seed/demo-data.ts, README). */
export const SEED = {
  groupId: "group-everyone",
  /** Besides the crowd, the group holds five named demo users and its owner, the admin. */
  namedMembers: 6,
  adminUsername: "admin",
  adminPassword: "gochat-admin",
  crowdUserId: (index: number) => `crowd-${String(index).padStart(5, "0")}`,
};

/**
 * Runs `npm run db:seed` against the data directory while no system owns it, with a crowd sized so the
 * super-large group has `groupSize` members. Resolves with how long it took.
 */
export async function seedDemoData(dataDir: string, groupSize: number, logFile: string): Promise<number> {
  const started = performance.now();
  const out = openSync(logFile, "a");
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "db:seed"], {
        cwd: repoRoot,
        env: {
          ...systemBaseEnv(),
          GOCHAT_DATA_DIR: dataDir,
          GOCHAT_SEED_CROWD: String(groupSize - SEED.namedMembers),
        },
        stdio: ["ignore", out, out],
      });
      child.once("error", reject);
      child.once("exit", resolve);
    });
    if (code !== 0) throw new Error(`db:seed failed (exit ${code}); see ${logFile}`);
  } finally {
    closeSync(out);
  }
  return performance.now() - started;
}
