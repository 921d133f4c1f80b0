import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";
import { repoRoot } from "../env";
import { signUpGroups, signUpPairs } from "../phases/users";
import { formatTable } from "../report/table";
import { buildBackend } from "../system/start-command";
import { Cleanups } from "../system/cleanups";
import { startGoChat, type RunningGoChat } from "../system/gochat";
import { assertPortsFree, portLayout, type PortLayout } from "../system/ports";
import { ChatTraffic, directConversations, type CheckResult, type ConversationSpec } from "./chat-traffic";
import { PostgresServer } from "./postgres-server";
import { SmallDisk } from "./small-disk";

/**
 * The faults, each run on a fresh system under chat traffic:
 * - a service's name: SIGKILL of that process, which the start command restarts at once;
 * - `im-logic 2`, `im-task 2`: the second of two instances, whose groups rebalance to the survivor and back;
 * - `postgres`: the system on a PostgreSQL server of the suite's own, crashed (SIGKILL to every one of its
 *   processes) and started again;
 * - `stall im-repo`, `stall kafka-broker`: the process stopped (SIGSTOP) for FAULTS_STALL_MS, then resumed:
 *   a network stall as its clients see it, with connections open and nothing answered;
 * - `full disk`: the broker's data directory on a small file system of its own, filled for FAULTS_STALL_MS,
 *   then freed;
 * - `random kills`: FAULTS_RANDOM_KILLS SIGKILLs of services picked at random (FAULTS_SEED), one to three
 *   seconds apart, each once the previous one is back.
 */
const SCENARIOS = [
  "im-logic",
  "im-task",
  "im-repo",
  "gw-2",
  "kafka-broker",
  "im-logic 2",
  "im-task 2",
  "postgres",
  "stall im-repo",
  "stall kafka-broker",
  "full disk",
  "random kills",
] as const;
type Scenario = (typeof SCENARIOS)[number];
type Killable = "im-logic" | "im-task" | "im-repo" | "gw-2" | "kafka-broker" | "im-logic 2" | "im-task 2";
const RANDOM_TARGETS: Killable[] = ["im-logic", "im-task", "im-repo", "gw-2", "kafka-broker"];

/** Two instances of each scalable consumer, for the scenarios that kill one of two. */
const TWO_OF_EACH = "im-logic=2,im-task=2";

function isScaledOut(scenario: Scenario): boolean {
  return scenario.endsWith(" 2");
}

const settings = parseEnv(
  "fault suite",
  {
    FAULTS_SCENARIOS: fields
      .commaList(z.enum(SCENARIOS), "must name at least one scenario")
      .default([...SCENARIOS]),
    /**
     * Chat load during every scenario, messages per second round-robin over FAULTS_PAIRS direct chats and
     * FAULTS_GROUPS groups (an owner sending on gw-1, a member on each gateway receiving).
     */
    FAULTS_RATE: fields.positiveInt.default(50),
    FAULTS_PAIRS: fields.positiveInt.default(50),
    FAULTS_GROUPS: fields.nonNegativeInt.default(10),
    /** Steady traffic before the kill, and how long traffic goes on after it. */
    FAULTS_BEFORE_MS: fields.positiveInt.default(5_000),
    FAULTS_AFTER_MS: fields.positiveInt.default(15_000),
    /** How long a stopped process stays stopped, and a full disk full. */
    FAULTS_STALL_MS: fields.positiveInt.default(5_000),
    FAULTS_RANDOM_KILLS: fields.positiveInt.max(20).default(5),
    FAULTS_SEED: fields.positiveInt.default(1),
    FAULTS_PORT_BASE: fields.port.min(1024).max(32_467).default(22_000),
    FAULTS_OUTPUT: z.string().min(1).default(join(repoRoot, "bench-results/faults.json")),
    /** Keep every scenario's system log (`<scenario>.log`), not only those of failed runs. */
    FAULTS_KEEP_LOGS: fields.flag.default(false),
  },
  process.env,
);

const log = (line: string) =>
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface ScenarioResult {
  scenario: Scenario;
  /** How long the fault lasted: 0 for a kill, the stop or the full disk otherwise. */
  faultMs: number;
  /** The processes killed, in order (several for `random kills`). */
  killed: string[];
  /** Kill to the restarted process answering `/readyz` (the slowest, for several kills). */
  readyAfterMs: number | null;
  /** The longest time with no acknowledgement at all, from the fault on. */
  ackStallMs: number;
  /** Sends first made after the fault ended: the slowest time from first send to acknowledgement. */
  worstAckAfterFaultMs: number | null;
  /** Sends that needed more than one attempt. */
  resent: number;
  check: CheckResult;
}

interface Fault {
  faultMs: number;
  killed: string[];
  readyAfterMs: number | null;
  /** When the fault was over: the kill itself, or the moment the process resumed or the disk was freed. */
  endedAt: number;
}

interface FaultContext {
  system: RunningGoChat;
  layout: PortLayout;
  postgres: PostgresServer | undefined;
  disk: SmallDisk | undefined;
}

function readyUrl(layout: PortLayout, target: Killable): string {
  const port = {
    "im-repo": layout.repo + 100,
    "im-logic": layout.repo + 110,
    "im-task": layout.repo + 111,
    "gw-2": (layout.gateways[1]?.port ?? 0) + 100,
    // The start command's health ports: the broker's (service-plan.ts), a second instance's.
    "kafka-broker": layout.broker + 100,
    "im-logic 2": layout.repo + 120,
    "im-task 2": layout.repo + 130,
  }[target];
  return `http://127.0.0.1:${port}/readyz`;
}

async function waitReady(url: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(500) })).status === 200) return true;
    } catch {
      // Not back yet.
    }
    await sleep(25);
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function processOf(system: RunningGoChat, name: string): number {
  const target = system.processes().find((p) => p.name === name && !p.helper);
  if (target === undefined) throw new Error(`no ${name} process`);
  return target.pid;
}

/** SIGKILL, then the time until the start command has it ready again. */
async function killAndWait(context: FaultContext, target: Killable): Promise<number | null> {
  const pid = processOf(context.system, target);
  const killedAt = Date.now();
  process.kill(pid, "SIGKILL");
  log(`SIGKILL to ${target} (${pid})`);
  const ready = await waitReady(readyUrl(context.layout, target), killedAt + settings.FAULTS_AFTER_MS);
  return ready ? Date.now() - killedAt : null;
}

/** A small deterministic generator (mulberry32), so that a series of random kills can be repeated. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function injectFault(scenario: Scenario, context: FaultContext): Promise<Fault> {
  switch (scenario) {
    case "postgres": {
      const server = context.postgres;
      if (server === undefined) throw new Error("no PostgreSQL server to crash");
      const crashedAt = Date.now();
      await server.crash();
      log("postgres: crashed every server process; starting it again");
      await server.start();
      return { faultMs: 0, killed: ["postgres"], readyAfterMs: Date.now() - crashedAt, endedAt: crashedAt };
    }
    case "stall im-repo":
    case "stall kafka-broker": {
      const target = scenario.slice("stall ".length);
      const pid = processOf(context.system, target);
      const stoppedAt = Date.now();
      process.kill(pid, "SIGSTOP");
      log(`SIGSTOP to ${target} (${pid}) for ${settings.FAULTS_STALL_MS} ms`);
      try {
        await sleep(settings.FAULTS_STALL_MS);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      const endedAt = Date.now();
      return { faultMs: endedAt - stoppedAt, killed: [], readyAfterMs: null, endedAt };
    }
    case "full disk": {
      const disk = context.disk;
      if (disk === undefined) throw new Error("no small disk to fill");
      const filledAt = Date.now();
      disk.fill();
      log(`full disk: the broker's data directory is full (${disk.freeBytes()} bytes free)`);
      try {
        await sleep(settings.FAULTS_STALL_MS);
      } finally {
        disk.release();
      }
      const endedAt = Date.now();
      return { faultMs: endedAt - filledAt, killed: [], readyAfterMs: null, endedAt };
    }
    case "random kills": {
      const random = seededRandom(settings.FAULTS_SEED);
      const killed: Killable[] = [];
      let slowest: number | null = 0;
      let endedAt = Date.now();
      for (let n = 0; n < settings.FAULTS_RANDOM_KILLS; n++) {
        if (n > 0) await sleep(1_000 + Math.floor(random() * 2_000));
        const target = RANDOM_TARGETS[Math.floor(random() * RANDOM_TARGETS.length)] ?? "im-logic";
        killed.push(target);
        endedAt = Date.now();
        const ready = await killAndWait(context, target);
        slowest = ready === null || slowest === null ? null : Math.max(slowest, ready);
      }
      return { faultMs: 0, killed, readyAfterMs: slowest, endedAt };
    }
    default: {
      const killedAt = Date.now();
      const readyAfterMs = await killAndWait(context, scenario);
      return { faultMs: 0, killed: [scenario], readyAfterMs, endedAt: killedAt };
    }
  }
}

async function runScenario(
  context: FaultContext,
  traffic: ChatTraffic,
  scenario: Scenario,
): Promise<ScenarioResult> {
  const firstIndex = traffic.sent.length;
  traffic.start(settings.FAULTS_RATE);
  await sleep(settings.FAULTS_BEFORE_MS);
  const faultAt = Date.now();
  const fault = await injectFault(scenario, context);
  const remaining = fault.endedAt + settings.FAULTS_AFTER_MS - Date.now();
  if (remaining > 0) await sleep(remaining);
  traffic.stopSending();
  await traffic.drain(Date.now() + 60_000);

  const acks = traffic.ackTimes().filter((at) => at >= faultAt);
  let ackStallMs = 0;
  let previous = faultAt;
  for (const at of acks) {
    ackStallMs = Math.max(ackStallMs, at - previous);
    previous = at;
  }
  const mine = traffic.sent.slice(firstIndex);
  const afterFault = mine.filter((m) => m.firstSentAt >= fault.endedAt && m.ackedAt !== undefined);
  const worstAckAfterFaultMs =
    afterFault.length === 0 ? null : Math.max(...afterFault.map((m) => (m.ackedAt ?? 0) - m.firstSentAt));
  const result: ScenarioResult = {
    scenario,
    faultMs: fault.faultMs,
    killed: fault.killed,
    readyAfterMs: fault.readyAfterMs,
    ackStallMs,
    worstAckAfterFaultMs,
    resent: mine.filter((m) => m.attempts > 1).length,
    check: await traffic.check(),
  };
  log(
    `${scenario}: ${fault.killed.length > 0 ? `killed ${fault.killed.join(", ")}, ready again after ${fault.readyAfterMs ?? "never"} ms, ` : ""}` +
      `acks stalled ${ackStallMs} ms, lost ${result.check.lost}, undelivered ${result.check.undelivered}, stored twice ${result.check.storedTwice}, ` +
      `never acked ${result.check.neverAcked}`,
  );
  return result;
}

/** The broker's own file system in the full-disk scenario: room for the run, small enough to fill at once. */
const FULL_DISK_MB = 256;

const cleanups = new Cleanups();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanups.runAll().then(() => process.exit(130)));
}

const workDir = mkdtempSync(join(tmpdir(), "gochat-faults-"));
const layout = portLayout(settings.FAULTS_PORT_BASE);
const results: ScenarioResult[] = [];
const failures: string[] = [];
try {
  await assertPortsFree(layout);
  log("building the backend, as npm start does");
  await buildBackend(join(workDir, "build.log"));
  for (const scenario of settings.FAULTS_SCENARIOS) {
    // Each scenario on a fresh system, so that one fault's after-effects are not the next one's.
    const scenarioDir = join(workDir, scenario.replaceAll(" ", "-"));
    const dataDir = join(scenarioDir, "data");
    mkdirSync(dataDir, { recursive: true });
    const releases: (() => Promise<void>)[] = [];
    try {
      let postgres: PostgresServer | undefined;
      if (scenario === "postgres") {
        const server = new PostgresServer(layout.repo + 95);
        releases.unshift(cleanups.add(() => server.stop()));
        await server.init();
        postgres = server;
      }
      let disk: SmallDisk | undefined;
      if (scenario === "full disk") {
        // The broker's data directory (the start command's <data>/kafka) on a file system of its own.
        const small = new SmallDisk(join(dataDir, "kafka"));
        small.mount(FULL_DISK_MB);
        releases.unshift(cleanups.add(async () => small.unmount()));
        disk = small;
      }
      const system = await startGoChat({
        layout,
        dataDir,
        logFile: join(workDir, `${scenario}.log`),
        timeoutMs: 90_000,
        nodeOptions: "",
        ...(postgres === undefined ? {} : { databaseUrl: postgres.url }),
        ...(isScaledOut(scenario) ? { extraEnv: { GOCHAT_INSTANCES: TWO_OF_EACH } } : {}),
      });
      releases.unshift(
        cleanups.add(async () => {
          await system.stop();
        }),
      );
      const gateways = Object.values(system.gatewayUrls);
      const { pairs } = await signUpPairs({
        repoUrl: system.repoUrl,
        count: settings.FAULTS_PAIRS,
        concurrency: 8,
        senderUrl: gateways[0] ?? "",
        receiverUrl: gateways[1] ?? "",
      });
      const groups = await signUpGroups({
        repoUrl: system.repoUrl,
        count: settings.FAULTS_GROUPS,
        concurrency: 4,
        senderUrl: gateways[0] ?? "",
        memberUrls: [gateways[1] ?? "", gateways[0] ?? ""],
      });
      const conversations: ConversationSpec[] = [...directConversations(pairs), ...groups];
      const chat = new ChatTraffic(system.repoUrl, conversations);
      await chat.connect();
      try {
        results.push(await runScenario({ system, layout, postgres, disk }, chat, scenario));
      } finally {
        chat.close();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${scenario} failed: ${message}`);
      failures.push(`${scenario}: ${message}`);
    } finally {
      for (const release of releases) await release();
    }
  }
} finally {
  await cleanups.runAll();
}

const table = formatTable(
  [
    "fault",
    "lasted (ms)",
    "ready again (ms)",
    "acks stalled (ms)",
    "worst ack after (ms)",
    "sent",
    "resent",
    "never acked",
    "lost",
    "undelivered",
    "stored twice",
    "seq gaps",
    "dup deliveries",
    "ooo live",
  ],
  results.map((r) => [
    r.scenario === "random kills" ? `random kills (${r.killed.join(", ")})` : r.scenario,
    String(r.faultMs),
    r.killed.length === 0 ? "-" : String(r.readyAfterMs ?? "never"),
    String(r.ackStallMs),
    String(r.worstAckAfterFaultMs ?? "-"),
    String(r.check.sent),
    String(r.resent),
    String(r.check.neverAcked),
    String(r.check.lost),
    String(r.check.undelivered),
    String(r.check.storedTwice),
    String(r.check.seqGaps),
    String(r.check.duplicateDeliveries),
    String(r.check.outOfOrderLive),
  ]),
);
process.stdout.write(
  `\nGoChat fault suite, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores; ` +
    `${settings.FAULTS_RATE} msg/s over ${settings.FAULTS_PAIRS} direct chats (sender on gw-1, receiver on gw-2) ` +
    `and ${settings.FAULTS_GROUPS} groups (owner sending on gw-1, a member receiving on each gateway); ` +
    `each fault on a fresh system; a killed process is restarted by the start command ` +
    `("im-logic 2": the second of two instances, with ${TWO_OF_EACH}; stalls and the full disk last ${settings.FAULTS_STALL_MS} ms)\n${table}\n`,
);
mkdirSync(dirname(settings.FAULTS_OUTPUT), { recursive: true });
writeFileSync(
  settings.FAULTS_OUTPUT,
  `${JSON.stringify({ benchmark: "faults", recordedAt: new Date().toISOString(), node: process.version, settings: { ...settings, FAULTS_OUTPUT: undefined }, results, failures }, null, 2)}\n`,
);
process.stdout.write(`written to ${settings.FAULTS_OUTPUT}\n`);
const broken = results.filter(
  (r) =>
    r.check.lost > 0 ||
    r.check.undelivered > 0 ||
    r.check.storedTwice > 0 ||
    r.check.seqGaps > 0 ||
    r.check.acksWithWrongSeq > 0 ||
    r.check.neverAcked > 0,
);
for (const r of broken) process.stdout.write(`GUARANTEE BROKEN after ${r.scenario}\n`);
if (failures.length === 0 && !settings.FAULTS_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
else process.stdout.write(`logs kept in ${workDir}\n`);
process.exit(failures.length === 0 && broken.length === 0 ? 0 : 1);
