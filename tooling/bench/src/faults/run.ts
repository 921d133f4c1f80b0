import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";
import { repoRoot } from "../env";
import { signUpPairs } from "../phases/users";
import { formatTable } from "../report/table";
import { buildBackend } from "../system/start-command";
import { Cleanups } from "../system/cleanups";
import { startGoChat, type RunningGoChat } from "../system/gochat";
import { assertPortsFree, portLayout, type PortLayout } from "../system/ports";
import { ChatTraffic, type CheckResult } from "./chat-traffic";

/**
 * What can be killed, and where it answers `/readyz` once it is back. `im-logic 2` and `im-task 2` are
 * the second instances of a system that runs two of each: their groups rebalance to the survivor when
 * one dies, and again when the start command brings it back.
 */
const SCENARIOS = ["im-logic", "im-task", "im-repo", "gw-2", "im-logic 2", "im-task 2"] as const;
type Scenario = (typeof SCENARIOS)[number];

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
    /** Chat load during every scenario, messages per second over FAULTS_PAIRS conversations. */
    FAULTS_RATE: fields.positiveInt.default(50),
    FAULTS_PAIRS: fields.positiveInt.default(50),
    /** Steady traffic before the kill, and how long traffic goes on after it. */
    FAULTS_BEFORE_MS: fields.positiveInt.default(5_000),
    FAULTS_AFTER_MS: fields.positiveInt.default(15_000),
    FAULTS_PORT_BASE: fields.port.min(1024).max(32_467).default(22_000),
    FAULTS_OUTPUT: z.string().min(1).default(join(repoRoot, "bench-results/faults.json")),
  },
  process.env,
);

const log = (line: string) =>
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface ScenarioResult {
  scenario: Scenario;
  /** SIGKILL to the restarted service answering `/readyz` (the start command restarts it). */
  readyAfterMs: number | null;
  /** The longest time with no acknowledgement at all, from the kill on. */
  ackStallMs: number;
  /** Sends made after the kill: the slowest time from first send to acknowledgement. */
  worstAckAfterKillMs: number | null;
  /** Sends that needed more than one attempt. */
  resent: number;
  check: CheckResult;
}

function readyUrl(layout: PortLayout, scenario: Scenario): string {
  const port = {
    "im-repo": layout.repo + 100,
    "im-logic": layout.repo + 110,
    "im-task": layout.repo + 111,
    "gw-2": (layout.gateways[1]?.port ?? 0) + 100,
    // The start command's health ports for a second instance (service-plan.ts).
    "im-logic 2": layout.repo + 120,
    "im-task 2": layout.repo + 130,
  }[scenario];
  return `http://127.0.0.1:${port}/readyz`;
}

async function waitReady(url: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(500) })).status === 200) return true;
    } catch {
      // Not back yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function killService(system: RunningGoChat, scenario: Scenario): number {
  const target = system.processes().find((p) => p.name === scenario && !p.helper);
  if (target === undefined) throw new Error(`no ${scenario} process to kill`);
  process.kill(target.pid, "SIGKILL");
  return target.pid;
}

async function runScenario(
  system: RunningGoChat,
  layout: PortLayout,
  traffic: ChatTraffic,
  scenario: Scenario,
): Promise<ScenarioResult> {
  const firstIndex = traffic.sent.length;
  traffic.start(settings.FAULTS_RATE);
  await new Promise((resolve) => setTimeout(resolve, settings.FAULTS_BEFORE_MS));
  const killedAt = Date.now();
  const pid = killService(system, scenario);
  log(`${scenario}: SIGKILL to ${pid}`);
  const ready = await waitReady(readyUrl(layout, scenario), killedAt + settings.FAULTS_AFTER_MS);
  const readyAfterMs = ready ? Date.now() - killedAt : null;
  const remaining = killedAt + settings.FAULTS_AFTER_MS - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  traffic.stopSending();
  await traffic.drain(Date.now() + 60_000);

  const acks = traffic.ackTimes().filter((at) => at >= killedAt - 1_000);
  let ackStallMs = 0;
  let previous = killedAt;
  for (const at of acks) {
    if (at < killedAt) continue;
    ackStallMs = Math.max(ackStallMs, at - previous);
    previous = at;
  }
  const mine = traffic.sent.slice(firstIndex);
  const afterKill = mine.filter((m) => m.firstSentAt >= killedAt && m.ackedAt !== undefined);
  const worstAckAfterKillMs =
    afterKill.length === 0 ? null : Math.max(...afterKill.map((m) => (m.ackedAt ?? 0) - m.firstSentAt));
  const result: ScenarioResult = {
    scenario,
    readyAfterMs,
    ackStallMs,
    worstAckAfterKillMs,
    resent: mine.filter((m) => m.attempts > 1).length,
    check: await traffic.check(),
  };
  log(
    `${scenario}: ready again after ${readyAfterMs ?? "never"} ms, acks stalled ${ackStallMs} ms, ` +
      `lost ${result.check.lost}, stored twice ${result.check.storedTwice}, never acked ${result.check.neverAcked}`,
  );
  return result;
}

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
    const dataDir = join(workDir, scenario, "data");
    mkdirSync(dataDir, { recursive: true });
    const system = await startGoChat({
      layout,
      dataDir,
      logFile: join(workDir, `${scenario}.log`),
      timeoutMs: 90_000,
      nodeOptions: "",
      ...(isScaledOut(scenario) ? { extraEnv: { GOCHAT_INSTANCES: TWO_OF_EACH } } : {}),
    });
    const release = cleanups.add(async () => {
      await system.stop();
    });
    try {
      const gateways = Object.values(system.gatewayUrls);
      const { pairs } = await signUpPairs({
        repoUrl: system.repoUrl,
        count: settings.FAULTS_PAIRS,
        concurrency: 8,
        senderUrl: gateways[0] ?? "",
        receiverUrl: gateways[1] ?? "",
      });
      const chat = new ChatTraffic(system.repoUrl, pairs);
      await chat.connect();
      try {
        results.push(await runScenario(system, layout, chat, scenario));
      } finally {
        chat.close();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${scenario} failed: ${message}`);
      failures.push(`${scenario}: ${message}`);
    } finally {
      await release();
    }
  }
} finally {
  await cleanups.runAll();
}

const table = formatTable(
  [
    "SIGKILL of",
    "ready again (ms)",
    "acks stalled (ms)",
    "worst ack after kill (ms)",
    "sent",
    "resent",
    "never acked",
    "lost",
    "stored twice",
    "seq gaps",
    "dup deliveries",
    "ooo live",
  ],
  results.map((r) => [
    r.scenario,
    String(r.readyAfterMs ?? "never"),
    String(r.ackStallMs),
    String(r.worstAckAfterKillMs ?? "-"),
    String(r.check.sent),
    String(r.resent),
    String(r.check.neverAcked),
    String(r.check.lost),
    String(r.check.storedTwice),
    String(r.check.seqGaps),
    String(r.check.duplicateDeliveries),
    String(r.check.outOfOrderLive),
  ]),
);
process.stdout.write(
  `\nGoChat fault suite, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores; ` +
    `${settings.FAULTS_RATE} msg/s over ${settings.FAULTS_PAIRS} conversations, sender on gw-1, receiver on gw-2; ` +
    `each service killed once on a fresh system and restarted by the start command ` +
    `("im-logic 2": the second of two instances, with ${TWO_OF_EACH})\n${table}\n`,
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
    r.check.storedTwice > 0 ||
    r.check.seqGaps > 0 ||
    r.check.acksWithWrongSeq > 0 ||
    r.check.neverAcked > 0,
);
for (const r of broken) process.stdout.write(`GUARANTEE BROKEN after SIGKILL of ${r.scenario}\n`);
if (failures.length === 0) rmSync(workDir, { recursive: true, force: true });
else process.stdout.write(`logs kept in ${workDir}\n`);
process.exit(failures.length === 0 && broken.length === 0 ? 0 : 1);
