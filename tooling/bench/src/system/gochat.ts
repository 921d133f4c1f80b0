import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { systemBaseEnv } from "../env";
import { gochatRole, processGroupMembers, processTree, type WatchedProcess } from "../measure/proc";
import type { PortLayout } from "./ports";
import { backendDir, startScript } from "./start-command";

/** The start command bounds its own stop (tier by tier); past this the group is killed. */
const STOP_GRACE_MS = 30_000;
const READY_LINE = "GoChat is up:";
const START_PROCESS = "start";

export interface StopResult {
  stopMs: number;
  /** Whether anything had to be killed: the start command did not stop in time, or a service outlived it. */
  killed: boolean;
  /** What was still running when the start command had exited (helpers aside). */
  leftovers: string[];
}

export interface RunningGoChat {
  pid: number;
  repoUrl: string;
  /** The embedded trace store (absent when the run turns it off). */
  traceStoreUrl: string;
  gatewayUrls: Record<string, string>;
  startMs: number;
  /** The secret the start command generated in the data directory, which signs access tokens. */
  tokenSecret(): Promise<string>;
  /** Every process of the system now, named. */
  processes(): WatchedProcess[];
  /** Stops the whole process tree; resolves once none of it is left. */
  stop(): Promise<StopResult>;
}

export interface GoChatOptions {
  layout: PortLayout;
  dataDir: string;
  databaseUrl?: string;
  logFile: string;
  timeoutMs: number;
  /** Added to NODE_OPTIONS, which every service inherits. */
  nodeOptions: string;
  /** Settings of the system under test beyond the defaults (the untraced run turns tracing off). */
  extraEnv?: Record<string, string>;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Starts GoChat as `npm start` runs it once built: the backend's start script, without the web client; the
 * embedded broker and every service each as its own process, tracing and metrics as
 * shipped. It runs in its own process group, so that stopping it can reach every process it started.
 */
export async function startGoChat(options: GoChatOptions): Promise<RunningGoChat> {
  const { layout } = options;
  const base = systemBaseEnv();
  const env: Record<string, string> = {
    ...base,
    NODE_OPTIONS: [base.NODE_OPTIONS ?? "", options.nodeOptions].join(" ").trim(),
    GOCHAT_DATA_DIR: options.dataDir,
    GOCHAT_BROKER_PORT: String(layout.broker),
    GOCHAT_REPO_PORT: String(layout.repo),
    GOCHAT_GATEWAYS: layout.gateways.map((g) => `${g.id}:${g.port}`).join(","),
    GOCHAT_TRACE_STORE_PORT: String(layout.traceStore),
    GOCHAT_WEB_PORT: "0",
    // Every simulated user comes from this one address, and sign-up's scrypt cost is not what is measured.
    SIGNUP_MAX_PER_ADDRESS: "1000000",
    PASSWORD_SCRYPT_LOG2_N: "14",
    GATEWAY_MAX_SOCKETS_PER_ADDRESS: "1000000",
    GATEWAY_HANDSHAKES_PER_ADDRESS: "1000000",
    ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
    ...options.extraEnv,
  };
  const started = performance.now();
  const child = spawn("sh", ["-c", startScript()], {
    cwd: backendDir,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid ?? 0;
  const log = createWriteStream(options.logFile, { flags: "a" });
  child.stderr.pipe(log, { end: false });
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      log.write(`${line}\n`);
      if (line.startsWith(READY_LINE)) resolve();
    });
    void exit.then(() => {
      reject(new Error(`GoChat exited during start-up; see ${options.logFile}`));
    });
  });
  const roles = new Map<number, ReturnType<typeof gochatRole>>();
  const processes = () =>
    processTree(pid).map((processId) => {
      const role = roles.get(processId) ?? gochatRole(processId);
      roles.set(processId, role);
      return { pid: processId, ...role, system: true };
    });
  const system: RunningGoChat = {
    pid,
    repoUrl: `http://127.0.0.1:${layout.repo}/trpc`,
    traceStoreUrl: `http://127.0.0.1:${layout.traceStore}`,
    gatewayUrls: Object.fromEntries(layout.gateways.map((g) => [g.id, `http://127.0.0.1:${g.port}`])),
    startMs: 0,
    tokenSecret: async () => (await readFile(join(options.dataDir, "token-secret"), "utf8")).trim(),
    processes,
    stop: async () => {
      const stopping = performance.now();
      // The start command stops its services in dependency order on SIGTERM, as on Ctrl-C. It is signalled
      // itself, since the shell and launchers above it do not pass signals on.
      const start = processes().find((p) => p.name === START_PROCESS && !p.helper);
      signal(start?.pid ?? -pid, "SIGTERM");
      const graceful = await Promise.race([
        exit.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS)),
      ]);
      const stopMs = performance.now() - stopping;
      const leftovers = processGroupMembers(pid)
        .map((member) => gochatRole(member))
        .filter((role) => !role.helper)
        .map((role) => role.name);
      // Whatever is still in the group (a service that did not stop, a helper) is killed.
      signal(-pid, "SIGKILL");
      const deadline = performance.now() + 5_000;
      while (processGroupMembers(pid).length > 0 && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      log.end();
      return { stopMs, killed: !graceful || leftovers.length > 0, leftovers };
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`GoChat was not up within ${options.timeoutMs} ms; see ${options.logFile}`));
        }, options.timeoutMs);
      }),
    ]);
  } catch (error) {
    await system.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  system.startMs = performance.now() - started;
  return system;
}
