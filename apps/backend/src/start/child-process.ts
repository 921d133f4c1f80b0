import { spawn, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process exits, or could not be started at all (then with null). */
  exited: Promise<number | null>;
}

/** True when this code runs from the build (`dist/`), as `npm start` runs it, rather than from source. */
const isBuilt = basename(dirname(fileURLToPath(import.meta.url))) === "dist";

/**
 * Runs one service entrypoint (`src/<service>/main.ts`) as its own process, prefixing each line of its
 * output with its name so the interleaved logs of the whole system stay readable. A built start command
 * runs the built service (`dist/<service>.js`) on this very Node, with source maps for GoChat's own code
 * (`dist/source-maps.js`); from source (tests, `npm run dev`) it runs the source on this Node with tsx's
 * loader. Not through the `tsx` command: that runs the service in a child of its own, so the process
 * returned would be tsx's and a SIGKILL (a stop past its deadline, a second Ctrl-C) would leave the
 * service running. `nodeFlags` go to Node either way.
 */
export function spawnService(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
  cwd: string,
  nodeFlags: readonly string[] = [],
): ServiceProcess {
  if (!isBuilt)
    return spawnProcess(name, process.execPath, [...nodeFlags, "--import", "tsx", entry], env, cwd);
  const built = entry.replace(/^src\/([^/]+)\/main\.ts$/, "dist/$1.js");
  if (built === entry) throw new Error(`not a service entrypoint: ${entry}`);
  const flags = ["--import=./dist/source-maps.js", "--disable-warning=TimeoutNegativeWarning", ...nodeFlags];
  return spawnProcess(name, process.execPath, [...flags, built], env, cwd);
}

/** Any command run the same way: its output prefixed with its name, its exit reported. */
export function spawnProcess(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): ServiceProcess {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
    child.once("error", (error) => {
      process.stdout.write(`[${name}] could not start: ${error.message}\n`);
      resolve(null);
    });
  });
  return { name, child, exited };
}

/**
 * Lowers a started process's CPU priority to `niceness` (0 leaves it as it is). It is set on the process's
 * main thread, where its JavaScript runs, as soon as it exists; threads it starts later inherit it.
 */
export function lowerPriority(service: ServiceProcess, niceness: number): void {
  const { pid } = service.child;
  if (niceness === 0 || pid === undefined) return;
  try {
    setPriority(pid, niceness);
  } catch (error) {
    // Gone already (its exit is reported), or a system that refuses: it runs at the usual priority.
    process.stdout.write(`[${service.name}] runs at the usual priority: ${(error as Error).message}\n`);
  }
}

/** Asks the process to stop, and kills it if it has not within the deadline. */
export async function stopService(service: ServiceProcess, timeoutMs = 15_000): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill("SIGTERM");
  const timer = setTimeout(() => service.child.kill("SIGKILL"), timeoutMs);
  await service.exited;
  clearTimeout(timer);
}

/** Polls a readiness URL until it answers 200; fails early if the process exits or `signal` aborts. */
export async function waitUntilReady(
  url: string,
  service: ServiceProcess,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const state = { exited: false };
  void service.exited.then(() => (state.exited = true));
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    if (state.exited) throw new Error(`${service.name} exited before it was ready`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms`);
}

/**
 * When to restart a service that exited on its own: at once the first time (a crashed service is back
 * within its start time), then after doubling pauses, and not at all once it has exited `maxRestarts`
 * times within `windowMs`: a crash loop is reported, not hidden.
 */
export class RestartBudget {
  readonly #exits = new Map<string, number[]>();
  readonly #maxRestarts: number;
  readonly #windowMs: number;

  constructor(options: { maxRestarts: number; windowMs: number }) {
    this.#maxRestarts = options.maxRestarts;
    this.#windowMs = options.windowMs;
  }

  /** The pause before restarting `name` after an exit at `now`, or undefined to give up. */
  next(name: string, now: number): number | undefined {
    const recent = (this.#exits.get(name) ?? []).filter((at) => now - at < this.#windowMs);
    recent.push(now);
    this.#exits.set(name, recent);
    if (recent.length > this.#maxRestarts) return undefined;
    return recent.length === 1 ? 0 : Math.min(5_000, 250 * 2 ** (recent.length - 2));
  }
}

/** How a process ended, for the log. */
export function describeExit(service: ServiceProcess, code: number | null): string {
  const signal = service.child.signalCode;
  return signal === null ? `exited with code ${code ?? "unknown"}` : `was killed by ${signal}`;
}
