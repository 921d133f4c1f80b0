import type { FanoutResult } from "../phases/fanout";
import type { IdleResult } from "../phases/idle";
import type { SteppedResult, StepRecord } from "../phases/stepped";
import type { StopResult } from "../system/gochat";

export interface SystemRun {
  database: "embedded PGlite" | "PostgreSQL";
  /** How long the seed took (only when fan-out or idle needed the seeded crowd). */
  seedMs: number | null;
  startMs: number;
  /** RSS of each process right after start, before any socket connected, MB. */
  rssAtReadyMb: Record<string, number>;
  /** The private part of that RSS (not Node's executable, which every process shares), MB. */
  privateAtReadyMb: Record<string, number>;
  signUpSeconds: number | null;
  stepped: SteppedResult | null;
  stop: StopResult | null;
}

export interface RatioRow {
  rateMps: number;
  p50: number | null;
  p99: number | null;
  cpuPerMessage: number | null;
}

export interface PipelineReport {
  benchmark: "pipeline";
  description: string;
  recordedAt: string;
  node: string;
  cores: number;
  cpuModel: string;
  /** The backend's build before the first start, when it has one (null: runs from source, or not started). */
  buildMs: number | null;
  settings: Record<string, unknown>;
  relay: SteppedResult | null;
  embedded: SystemRun | null;
  /** The embedded run again with tracing off (sampler always_off, no trace store). */
  untraced: SystemRun | null;
  postgres: SystemRun | null;
  /** Capacity, twice capacity, capacity again, every step run (see overloadPlan). */
  overload: SystemRun | null;
  /** Where the overload phase's rates came from. */
  overloadBasis: string | null;
  fanout: FanoutResult | null;
  idle: IdleResult | null;
  /** GoChat divided by the relay at the same offered rate, in the same run. */
  ratios: { embedded: RatioRow[]; untraced: RatioRow[]; postgres: RatioRow[] };
  /** The embedded run (tracing as shipped) divided by the untraced one at the same offered rate. */
  tracingCost: RatioRow[];
  failures: { phase: string; error: string }[];
}

const divide = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

/** A step whose every send was refused has no latency to compare. */
const measured = (step: StepRecord) => step.sendToReceive.count > 0;

export function ratios(system: SteppedResult | null, relay: SteppedResult | null): RatioRow[] {
  if (system === null || relay === null) return [];
  return system.steps.flatMap((step) => {
    const reference = relay.steps.find((candidate) => candidate.rateMps === step.rateMps);
    if (reference === undefined) return [];
    return [
      {
        rateMps: step.rateMps,
        p50: measured(step) ? divide(step.sendToReceive.p50Ms, reference.sendToReceive.p50Ms) : null,
        p99: measured(step) ? divide(step.sendToReceive.p99Ms, reference.sendToReceive.p99Ms) : null,
        cpuPerMessage: divide(step.cpuMsPerMessage, reference.cpuMsPerMessage),
      },
    ];
  });
}
