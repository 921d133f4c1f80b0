import { fork, type ChildProcess } from "node:child_process";

/**
 * A bench helper process (load generator, relay) forked with an IPC channel: it runs TypeScript through
 * the same tsx loader as the bench, and exits by itself if the bench goes away.
 */
export function forkHelper(entry: URL, args: string[] = []): ChildProcess {
  return fork(entry.pathname, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopHelper(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited(child);
  clearTimeout(timer);
}
