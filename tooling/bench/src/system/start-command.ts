import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, systemBaseEnv } from "../env";

export const backendDir = join(repoRoot, "apps/backend");

function backendScripts(): Record<string, string | undefined> {
  const manifest = JSON.parse(readFileSync(join(backendDir, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return manifest.scripts ?? {};
}

/**
 * The backend's `start` script, which `npm start` runs once the build is done. Read rather than
 * restated, so that the bench runs whatever the start command is (from source or built).
 */
export function startScript(): string {
  const script = backendScripts().start;
  if (script === undefined) throw new Error("apps/backend/package.json has no start script");
  return script;
}

/**
 * Builds the backend when it has a build step, as `npm start` does before starting it; a backend that
 * runs from source has none. Resolves with how long it took, or null when there was nothing to build.
 */
export async function buildBackend(logFile: string): Promise<number | null> {
  if (backendScripts().build === undefined) return null;
  const started = performance.now();
  const out = openSync(logFile, "a");
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "--workspace", "@gochat/backend", "build"], {
        cwd: repoRoot,
        env: systemBaseEnv(),
        stdio: ["ignore", out, out],
      });
      child.once("error", reject);
      child.once("exit", resolve);
    });
    if (code !== 0) throw new Error(`building the backend failed (exit ${code}); see ${logFile}`);
  } finally {
    closeSync(out);
  }
  return performance.now() - started;
}
