import { resolve } from "node:path";
import { readStartEnv } from "./start/env";
import { startSystem } from "./start/system";

const repoRoot = resolve(import.meta.dirname, "../../..");
const env = readStartEnv();
const system = await startSystem(env, { repoRoot, dataDir: resolve(repoRoot, env.GOCHAT_DATA_DIR) });

let stopping = false;
const stopAll = (reason: string, exitCode: number) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping GoChat…`);
  void system.stop().then(() => process.exit(exitCode));
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    stopAll(signal, 0);
  });
// A service that dies takes the system down loudly rather than leaving it half working.
void system.serviceExited.then((name) => {
  stopAll(`${name} exited unexpectedly`, 1);
});
