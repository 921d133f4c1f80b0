import { resolve } from "node:path";
import { readStartEnv } from "./start/env";
import { startSystem, type RunningSystem } from "./start/system";

const repoRoot = resolve(import.meta.dirname, "../../..");
const env = readStartEnv();

// Signals are handled from the first moment: Ctrl-C during start-up stops what has started so far.
const startup = new AbortController();
let system: RunningSystem | undefined;
let stopping = false;
const stopAll = (reason: string, exitCode: number) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping GoChat…`);
  startup.abort();
  void (system?.stop() ?? Promise.resolve()).then(() => process.exit(exitCode));
};
// A second signal while stopping (Ctrl-C pressed again, or a signal sent to the whole process group)
// must not end this process before its children: it kills them first.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  let received = 0;
  process.on(signal, () => {
    received++;
    if (!stopping) stopAll(signal, 0);
    else if (received > 1 && signal === "SIGINT") {
      console.log("Stopping now: killing every service.");
      system?.kill();
      process.exit(130);
    }
  });
}

try {
  system = await startSystem(
    env,
    { repoRoot, dataDir: resolve(repoRoot, env.GOCHAT_DATA_DIR) },
    startup.signal,
  );
} catch (error) {
  // Aborted by a signal during start-up, the failure is the stop itself; otherwise it is reported.
  if (startup.signal.aborted) process.exit(0);
  console.error(`GoChat could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// A service that dies is started again; one that keeps dying takes the system down loudly rather than
// leaving it half working.
void system.gaveUp.then((name) => {
  stopAll(`${name} keeps exiting`, 1);
});
