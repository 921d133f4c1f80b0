import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Runs one service entrypoint as its own process, prefixing each line of its output with its name so the
 * interleaved logs of the whole system stay readable.
 */
export function spawnService(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
  cwd: string,
): ServiceProcess {
  const child = spawn("tsx", [entry], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
  return { name, child, exited };
}

export async function stopService(service: ServiceProcess, timeoutMs = 15_000): Promise<void> {
  if (service.child.exitCode !== null) return;
  service.child.kill("SIGTERM");
  const timer = setTimeout(() => service.child.kill("SIGKILL"), timeoutMs);
  await service.exited;
  clearTimeout(timer);
}

/** Polls a readiness URL until it answers 200, failing early if the service's process exits. */
export async function waitUntilReady(
  url: string,
  service: ServiceProcess | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service !== undefined && service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode} before it was ready`);
    }
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}
