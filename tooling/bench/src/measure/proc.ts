import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Kernel ticks per second for utime/stime in /proc/PID/stat. */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

interface StatLine {
  ppid: number;
  pgid: number;
  cpuTicks: number;
}

function readStat(pid: number): StatLine | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name in parentheses may itself contain spaces and parentheses: fields follow the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
  };
}

/** A "<field>: <n> kB" line of a /proc file, or 0 when the process is gone. */
function readKbField(path: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(path, "utf8"));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

const readRssKb = (pid: number) => readKbField(`/proc/${pid}/status`, "VmRSS");
const readPssKb = (pid: number) => readKbField(`/proc/${pid}/smaps_rollup`, "Pss");
const readPrivateKb = (pid: number) => {
  const path = `/proc/${pid}/smaps_rollup`;
  return readKbField(path, "Private_Clean") + readKbField(path, "Private_Dirty");
};

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat === undefined) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (readStat(pid) === undefined) continue;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Processes still in a process group, to make sure a stopped system left nothing behind. */
export function processGroupMembers(pgid: number): number[] {
  return allPids().filter((pid) => readStat(pid)?.pgid === pgid);
}

export interface ProcessRole {
  /** What the process is, e.g. `im-repo`, `gw-1`, `kafka-broker`. */
  name: string;
  /** A tsx launcher or esbuild helper next to the process that runs the service's code. */
  helper: boolean;
}

const ENTRYPOINTS: [RegExp, string][] = [
  // From source (src/<service>/main.ts under tsx) or built (dist/<service>.js), as npm start runs them.
  [/src\/repo\/main\.ts|dist\/repo\.js/, "im-repo"],
  [/src\/logic\/main\.ts|dist\/logic\.js/, "im-logic"],
  [/src\/task\/main\.ts|dist\/task\.js/, "im-task"],
  [/src\/notify\/main\.ts|dist\/notify\.js/, "notification"],
  [/src\/analytics\/main\.ts|dist\/analytics\.js/, "analytics"],
  [/src\/broker\/main\.ts|dist\/broker\.js/, "kafka-broker"],
  [/src\/start\.ts|dist\/start\.js/, "start"],
];

/** One variable of a process's environment, as it was started. */
function environmentOf(pid: number, name: string): string | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

/**
 * Names a GoChat process by its command line. A service run from source runs under tsx, whose launcher
 * process spawns the Node.js process that runs the code; the launcher, tsx's esbuild helper and the shell
 * running the start script are marked as helpers, so that a service's RSS is its own while its CPU still
 * counts everything it took to run it.
 */
export function gochatRole(pid: number): ProcessRole {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return { name: "exited", helper: true };
  }
  const line = argv.join(" ");
  if (/esbuild/.test(argv[0] ?? "")) return { name: "esbuild", helper: true };
  // The shell that runs the start script, as npm would.
  if (/(^|\/)(ba|da)?sh$/.test(argv[0] ?? "")) return { name: "sh", helper: true };
  const helper = argv.some((arg) => /tsx\/dist\/cli\.m?js$|\.bin\/tsx$/.test(arg));
  if (/src\/gateway\/main\.ts|dist\/gateway\.js/.test(line))
    return { name: environmentOf(pid, "GATEWAY_INSTANCE_ID") ?? "gateway", helper };
  // A second or later instance of a service is `im-logic 2`, as the start command names it.
  const instance = /^gochat-(\d+)$/.exec(environmentOf(pid, "KAFKA_CLIENT_ID") ?? "")?.[1];
  for (const [pattern, name] of ENTRYPOINTS)
    if (pattern.test(line)) return { name: instance === undefined ? name : `${name} ${instance}`, helper };
  return { name: argv[0]?.split("/").pop() ?? "unknown", helper };
}

export interface WatchedProcess {
  pid: number;
  name: string;
  helper: boolean;
  /** Counted in the system's CPU per message (the load generator is not). */
  system: boolean;
}

export interface Snapshot {
  /** performance.now() when taken. */
  at: number;
  processes: Map<number, WatchedProcess & { cpuTicks: number; rssKb: number }>;
  machine: { busyTicks: number; totalTicks: number };
}

function machineTicks(): { busyTicks: number; totalTicks: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busyTicks: total - idle, totalTicks: total };
}

export function takeSnapshot(watched: WatchedProcess[]): Snapshot {
  const processes: Snapshot["processes"] = new Map();
  for (const process of watched) {
    const stat = readStat(process.pid);
    if (stat === undefined) continue;
    processes.set(process.pid, { ...process, cpuTicks: stat.cpuTicks, rssKb: readRssKb(process.pid) });
  }
  return { at: performance.now(), processes, machine: machineTicks() };
}

export interface ProcessUsage {
  name: string;
  /** Share of one core over the window, in percent. */
  cpuPercent: number;
  cpuMs: number;
  /** RSS of the process running the code (helpers excluded), at the end of the window. */
  rssMb: number;
  processes: number;
  system: boolean;
}

export interface WindowUsage {
  seconds: number;
  byProcess: ProcessUsage[];
  /** CPU of every system process (helpers included, the load generator not), ms. */
  systemCpuMs: number;
  /** Share of the whole machine that was busy, every user's processes included, in percent. */
  machineBusyPercent: number;
  /** Cores' worth of CPU used by processes not watched here (other users of a shared machine). */
  otherLoadCores: number;
}

const HELPERS = "helpers (sh, tsx)";

/** CPU and memory between two snapshots, per named process; a process born in the window counts whole. */
export function usageBetween(before: Snapshot, after: Snapshot): WindowUsage {
  const seconds = (after.at - before.at) / 1000;
  const rows = new Map<string, ProcessUsage>();
  for (const [pid, now] of after.processes) {
    const ticks = now.cpuTicks - (before.processes.get(pid)?.cpuTicks ?? 0);
    const name = now.helper ? HELPERS : now.name;
    const row = rows.get(name) ?? {
      name,
      cpuPercent: 0,
      cpuMs: 0,
      rssMb: 0,
      processes: 0,
      system: now.system,
    };
    row.cpuMs += (ticks * 1000) / CLOCK_TICKS;
    row.rssMb += now.rssKb / 1024;
    row.processes += 1;
    rows.set(name, row);
  }
  const byProcess = [...rows.values()].map((row) => ({
    ...row,
    cpuPercent: seconds > 0 ? row.cpuMs / 10 / seconds : 0,
  }));
  const total = after.machine.totalTicks - before.machine.totalTicks;
  const busyMs = ((after.machine.busyTicks - before.machine.busyTicks) * 1000) / CLOCK_TICKS;
  const watchedMs = byProcess.reduce((sum, row) => sum + row.cpuMs, 0);
  return {
    seconds,
    byProcess,
    systemCpuMs: byProcess.filter((row) => row.system).reduce((sum, row) => sum + row.cpuMs, 0),
    machineBusyPercent: total > 0 ? ((after.machine.busyTicks - before.machine.busyTicks) * 100) / total : 0,
    otherLoadCores: seconds > 0 ? Math.max(0, busyMs - watchedMs) / 1000 / seconds : 0,
  };
}

/**
 * PSS now, MB, of the named process (helpers excluded): its resident pages, each shared one divided
 * among the processes sharing it. Node's own executable is most of a small process's RSS and is mapped
 * by every GoChat process on the machine; PSS counts a gateway's share of it, RSS all of it.
 */
export function pssMbOf(watched: WatchedProcess[], name: string): number {
  return watched
    .filter((process) => process.name === name && !process.helper)
    .reduce((sum, process) => sum + readPssKb(process.pid) / 1024, 0);
}

/**
 * Private resident memory now, MB, of the named process (helpers excluded): the pages no other process
 * maps, which is what stopping it would give back. Node's executable, shared by every GoChat process,
 * is not in it.
 */
export function privateMbOf(watched: WatchedProcess[], name: string): number {
  return watched
    .filter((process) => process.name === name && !process.helper)
    .reduce((sum, process) => sum + readPrivateKb(process.pid) / 1024, 0);
}

/** RSS now, MB, of the named process (helpers excluded). */
export function rssMbOf(watched: WatchedProcess[], name: string): number {
  return watched
    .filter((process) => process.name === name && !process.helper)
    .reduce((sum, process) => sum + readRssKb(process.pid) / 1024, 0);
}

/** Total CPU time so far, ms, of the given processes. */
export function cpuMsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + ((readStat(pid)?.cpuTicks ?? 0) * 1000) / CLOCK_TICKS, 0);
}
