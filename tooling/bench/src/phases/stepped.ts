import type { BenchSettings } from "../env";
import type { ConnectResult, PairSpec, SettleResult, StepResult } from "../load/protocol";
import type { LoadGenerator } from "../load/worker-client";
import {
  takeSnapshot,
  usageBetween,
  type Snapshot,
  type WatchedProcess,
  type WindowUsage,
} from "../measure/proc";
import { readHopBreakdown, type HopBreakdown } from "../measure/hops";
import { ms } from "../report/table";

const START_DELAY_MS = 500;
const RSS_SAMPLE_MS = 1_000;
/** Quiet this long after an undrained step means the backlog is gone; waited for at most the timeout. */
const SETTLE_QUIET_MS = 3_000;
const SETTLE_TIMEOUT_MS = 60_000;

export interface StepRecord extends StepResult {
  usage: WindowUsage;
  /** CPU of every system process over the steady window, per message delivered in it. */
  cpuMsPerMessage: number | null;
  /** The same, less what the system burns with the sockets connected and nothing sent (the baseline). */
  marginalCpuMsPerMessage: number | null;
  /** Highest RSS seen per process during the step, MB. */
  peakRssMb: Record<string, number>;
  saturated: string | null;
  /** Where the steady window's sampled messages spent their time, hop by hop, from their traces. */
  hops: HopBreakdown | null;
}

export interface SteppedResult {
  target: string;
  pairs: number;
  connect: ConnectResult;
  steps: StepRecord[];
  /** When the last step did not drain: the wait for its backlog before the next phase. */
  settle: SettleResult | null;
  /** The connected system with no load, over `BENCH_BASELINE_MS`: what it burns by just running. */
  baseline: WindowUsage;
}

export interface SteppedTarget {
  name: string;
  pairs: PairSpec[];
  generator: LoadGenerator;
  /** The processes to measure at this moment: the system's and the generator (not counted as system). */
  processes: () => Promise<WatchedProcess[]>;
  log: (line: string) => void;
  /** Where the system's traces can be read, for the hop breakdown; none for the relay. */
  traceStoreUrl?: string;
}

function saturation(result: StepResult, settings: BenchSettings): string | null {
  const { deliveredShare, p99Ms } = settings.saturation;
  if (result.deliveredMps < deliveredShare * result.rateMps)
    return `delivered ${result.deliveredMps.toFixed(0)}/s < ${Math.round(deliveredShare * 100)}% of offered`;
  if (result.sendToReceive.p99Ms > p99Ms)
    return `p99 ${Math.round(result.sendToReceive.p99Ms)} ms > ${p99Ms} ms`;
  return null;
}

/** Connecting the sockets leaves work behind (presence records, announcements); the baseline waits it out. */
const AFTER_CONNECT_MS = 3_000;

async function measureBaseline(target: SteppedTarget, ms: number): Promise<WindowUsage> {
  await new Promise((resolve) => setTimeout(resolve, AFTER_CONNECT_MS));
  const before = takeSnapshot(await target.processes());
  await new Promise((resolve) => setTimeout(resolve, ms));
  return usageBetween(before, takeSnapshot(await target.processes()));
}

async function snapshotAt(epochMs: number, processes: () => Promise<WatchedProcess[]>): Promise<Snapshot> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
  return takeSnapshot(await processes());
}

/** Which rates to offer; `stopAtSaturation: false` runs every step, for the overload phase. */
export interface StepPlan {
  steps: number[];
  stopAtSaturation: boolean;
}

/**
 * Offers each step's rate in turn (warm-up, then the steady window that is measured, then a drain), and
 * by default stops after the first step that saturates: beyond it the figures only say how the backlog
 * grew.
 */
export async function runSteppedLoad(
  target: SteppedTarget,
  settings: BenchSettings,
  plan: StepPlan = { steps: settings.steps, stopAtSaturation: true },
): Promise<SteppedResult> {
  const connect = await target.generator.call("connectPairs", {
    pairs: target.pairs,
    concurrency: settings.connectConcurrency,
  });
  if (connect.failed > 0)
    throw new Error(
      `${target.name}: ${connect.failed} sockets failed to connect: ${connect.errors.join("; ")}`,
    );
  target.log(`${target.name}: ${connect.connected} sockets connected at ${connect.perSecond.toFixed(0)}/s`);
  const baseline = await measureBaseline(target, settings.baselineMs);
  target.log(
    `${target.name}: ${(baseline.systemCpuMs / 10 / baseline.seconds).toFixed(0)}% of a core with no load`,
  );
  const baselineCpuMsPerSecond = baseline.seconds > 0 ? baseline.systemCpuMs / baseline.seconds : 0;
  const steps: StepRecord[] = [];
  for (const [index, rateMps] of plan.steps.entries()) {
    const startAt = Date.now() + START_DELAY_MS;
    const windowStart = startAt + settings.warmupMs;
    const before = snapshotAt(windowStart, target.processes);
    const after = snapshotAt(windowStart + settings.steadyMs, target.processes);
    const peakRssMb: Record<string, number> = {};
    const sampler = setInterval(() => {
      void target.processes().then((processes) => {
        for (const [, process] of takeSnapshot(processes).processes) {
          if (process.helper) continue;
          peakRssMb[process.name] = Math.max(peakRssMb[process.name] ?? 0, process.rssKb / 1024);
        }
      });
    }, RSS_SAMPLE_MS);
    let result: StepResult;
    try {
      result = await target.generator.call("runStep", {
        step: index + 1,
        rateMps,
        startAt,
        warmupMs: settings.warmupMs,
        steadyMs: settings.steadyMs,
        drainMs: settings.drainMs,
        contentBytes: settings.contentBytes,
      });
    } finally {
      clearInterval(sampler);
    }
    const usage = usageBetween(await before, await after);
    const hops =
      target.traceStoreUrl === undefined
        ? null
        : await readHopBreakdown(target.traceStoreUrl, {
            fromMs: windowStart,
            toMs: windowStart + settings.steadyMs,
          });
    const record: StepRecord = {
      ...result,
      usage,
      cpuMsPerMessage: result.deliveredInWindow > 0 ? usage.systemCpuMs / result.deliveredInWindow : null,
      marginalCpuMsPerMessage:
        result.deliveredInWindow > 0
          ? (usage.systemCpuMs - baselineCpuMsPerSecond * usage.seconds) / result.deliveredInWindow
          : null,
      peakRssMb,
      saturated: saturation(result, settings),
      hops,
    };
    steps.push(record);
    target.log(
      `${target.name} ${rateMps}/s: delivered ${result.deliveredMps.toFixed(0)}/s, ` +
        `p50 ${ms(result.sendToReceive.p50Ms)} ms, p99 ${ms(result.sendToReceive.p99Ms)} ms, lost ${result.lost}` +
        (record.saturated === null ? "" : ` — saturated (${record.saturated})`),
    );
    if (record.saturated !== null && plan.stopAtSaturation) break;
  }
  let settle: SettleResult | null = null;
  if (steps.length > 0 && steps[steps.length - 1]?.drained === false) {
    settle = await target.generator.call("settle", {
      quietMs: SETTLE_QUIET_MS,
      timeoutMs: SETTLE_TIMEOUT_MS,
    });
    target.log(
      `${target.name}: backlog ${settle.quiet ? "gone" : "still arriving"} after ${Math.round(settle.waitedMs / 1000)} s ` +
        `(${settle.lateReceipts} late receipts)`,
    );
  }
  return { target: target.name, pairs: target.pairs.length, connect, steps, settle, baseline };
}
