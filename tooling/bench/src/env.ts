import { fileURLToPath } from "node:url";
import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export const PHASES = ["relay", "embedded", "untraced", "postgres", "fanout", "idle", "overload"] as const;
export type Phase = (typeof PHASES)[number];

/** The gateway's default per-socket refill (GATEWAY_RATE_PER_SECOND); senders stay well under it. */
const GATEWAY_DEFAULT_RATE_PER_SECOND = 10;
/** Share of that refill one sender may use at the top step, so the limiter is never what is measured. */
const SENDER_SHARE_OF_LIMIT = 0.75;
const MIN_PAIRS = 200;

const positiveNumber = z.coerce.number({ message: "must be a number" }).positive("must be positive");
/** A number written in a comma-separated list, where every entry arrives as a string. */
const listedNumber = z
  .string()
  .transform(Number)
  .pipe(z.number({ message: "must be a number" }).positive("must be positive"));

const shape = {
  /** Which parts to run, in this order whatever the order given. */
  BENCH_PHASES: fields.commaList(z.enum(PHASES), "must name at least one phase").default([...PHASES]),
  /** Offered 1:1 load per step, messages per second. */
  BENCH_STEPS: fields
    .commaList(listedNumber, "must list at least one rate")
    .default([50, 100, 250, 500, 1000, 1500, 2000, 3000]),
  /**
   * The overload phase's rates, in the order given: capacity, twice capacity, capacity again. It runs
   * every step whatever happens, to show what beyond capacity does and how quickly it passes. Unset, they
   * come from the capacity the embedded steps found in the same run (see overloadPlan).
   */
  BENCH_OVERLOAD_STEPS: fields.commaList(listedNumber, "must list at least one rate").optional(),
  BENCH_WARMUP_MS: fields.nonNegativeInt.default(4_000),
  BENCH_STEADY_MS: fields.positiveInt.default(10_000),
  /** Before the first step, the connected system is measured with no load for this long. */
  BENCH_BASELINE_MS: fields.positiveInt.default(5_000),
  /** Longest wait after a step for every acknowledged message to arrive; what is missing then is lost. */
  BENCH_DRAIN_MS: fields.positiveInt.default(20_000),
  /** Sender/receiver pairs; 0 sizes them so the top step keeps each sender under the per-socket limit. */
  BENCH_PAIRS: fields.nonNegativeInt.default(0),
  BENCH_CONTENT_BYTES: fields.positiveInt.max(4000).default(100),
  /** A step saturates when it delivers less than this share of the offered rate... */
  BENCH_SATURATION_DELIVERED: positiveNumber.max(1).default(0.9),
  /** ...or when its send→receive p99 is above this; stepping stops there. */
  BENCH_SATURATION_P99_MS: fields.positiveInt.default(5_000),
  /** Every port used lies in [base, base + 300]; below 32768, away from npm start's and e2e's. */
  BENCH_PORT_BASE: fields.port.min(1024).max(32_467).default(21_000),
  /** A PostgreSQL server where a fresh database is created for the postgres phase and dropped after. */
  BENCH_POSTGRES_URL: fields.postgresUrl.default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_FANOUT_GROUP_SIZE: fields.positiveInt.min(10).default(10_000),
  BENCH_FANOUT_ONLINE: fields.positiveInt.default(2_000),
  /** Messages sent one per BENCH_FANOUT_INTERVAL_MS after the first (cold) one. */
  BENCH_FANOUT_MESSAGES: fields.nonNegativeInt.default(10),
  BENCH_FANOUT_INTERVAL_MS: fields.positiveInt.default(1_000),
  BENCH_FANOUT_TIMEOUT_MS: fields.positiveInt.default(30_000),
  /**
   * The first group message waits for the crowd's logins to be worked off (every consumer group caught
   * up), then this much longer.
   */
  BENCH_FANOUT_SETTLE_MS: fields.nonNegativeInt.default(0),
  BENCH_IDLE_SOCKETS: fields.positiveInt.default(10_000),
  /** Idle sockets are measured after this long connected, once the gateway has settled. */
  BENCH_IDLE_SETTLE_MS: fields.nonNegativeInt.default(5_000),
  /** Socket handshakes and sign-ups in flight at once. */
  BENCH_CONNECT_CONCURRENCY: fields.positiveInt.default(100),
  BENCH_SIGNUP_CONCURRENCY: fields.positiveInt.default(8),
  BENCH_START_TIMEOUT_MS: fields.positiveInt.default(180_000),
  BENCH_OUTPUT: z.string().min(1).default(`${repoRoot}bench-results/pipeline.json`),
  /** Keep the run's logs and data directories even when every phase succeeded. */
  BENCH_KEEP_LOGS: z.enum(["0", "1", "true", "false"]).default("0"),
  /** Extra Node.js flags for every GoChat process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile. */
  BENCH_NODE_OPTIONS: z.string().default(""),
  /** Read only to know the limit senders must stay under; the bench never changes it. */
  GATEWAY_RATE_PER_SECOND: fields.positiveInt.default(GATEWAY_DEFAULT_RATE_PER_SECOND),
};

export interface BenchSettings {
  phases: Phase[];
  steps: number[];
  /** As given; null means measured (overloadPlan). */
  overloadSteps: number[] | null;
  /** BENCH_PAIRS was set: every phase uses that many pairs. */
  pairsGiven: boolean;
  warmupMs: number;
  steadyMs: number;
  baselineMs: number;
  drainMs: number;
  pairs: number;
  contentBytes: number;
  saturation: { deliveredShare: number; p99Ms: number };
  portBase: number;
  postgresUrl: string;
  fanout: {
    groupSize: number;
    online: number;
    messages: number;
    intervalMs: number;
    timeoutMs: number;
    settleMs: number;
  };
  idle: { sockets: number; settleMs: number };
  connectConcurrency: number;
  signUpConcurrency: number;
  startTimeoutMs: number;
  output: string;
  keepLogs: boolean;
  nodeOptions: string;
  gatewayRatePerSecond: number;
}

/** Pairs enough that `topRateMps` keeps every sender under its share of the gateway's per-socket limit. */
function pairsFor(topRateMps: number, gatewayRatePerSecond: number): number {
  return Math.max(MIN_PAIRS, Math.ceil(topRateMps / (gatewayRatePerSecond * SENDER_SHARE_OF_LIMIT)));
}

/** The overload phase's rates when BENCH_OVERLOAD_STEPS names none and no capacity was measured. */
export const FALLBACK_OVERLOAD_STEPS = [1500, 3000, 1500];

export interface OverloadPlan {
  steps: number[];
  pairs: number;
  /** Where the rates came from, for the report. */
  basis: string;
}

/**
 * The overload phase's rates: those given, else capacity, twice capacity and capacity again, capacity
 * being the highest rate the embedded steps of the same run carried unsaturated. Machines differ by a
 * factor of two or more between days, so a fixed rate is capacity on one and overload on another.
 * Enough senders that twice capacity stays under the per-socket limit: the gateways' refusals are then
 * overload's, not the rate limiter's.
 */
export function overloadPlan(
  settings: Pick<BenchSettings, "overloadSteps" | "pairs" | "pairsGiven" | "gatewayRatePerSecond">,
  embeddedSteps: readonly { rateMps: number; saturated: string | null }[] | undefined,
): OverloadPlan {
  const carried = (embeddedSteps ?? []).filter((step) => step.saturated === null).map((step) => step.rateMps);
  const capacity = carried.length === 0 ? undefined : Math.max(...carried);
  const steps =
    settings.overloadSteps ??
    (capacity === undefined ? FALLBACK_OVERLOAD_STEPS : [capacity, 2 * capacity, capacity]);
  const basis =
    settings.overloadSteps !== null
      ? "BENCH_OVERLOAD_STEPS"
      : capacity === undefined
        ? "no embedded step carried its load unsaturated in this run: fixed rates"
        : `capacity ${capacity}/s, the highest embedded step carried unsaturated in this run`;
  const pairs = settings.pairsGiven
    ? settings.pairs
    : pairsFor(Math.max(...steps), settings.gatewayRatePerSecond);
  return { steps, pairs, basis };
}

export function readSettings(source: Record<string, string | undefined> = process.env): BenchSettings {
  const env = parseEnv("pipeline bench", shape, source);
  const steps = [...env.BENCH_STEPS].sort((a, b) => a - b);
  const autoPairs = pairsFor(steps[steps.length - 1] ?? 0, env.GATEWAY_RATE_PER_SECOND);
  return {
    phases: PHASES.filter((phase) => env.BENCH_PHASES.includes(phase)),
    steps,
    overloadSteps: env.BENCH_OVERLOAD_STEPS ?? null,
    warmupMs: env.BENCH_WARMUP_MS,
    steadyMs: env.BENCH_STEADY_MS,
    baselineMs: env.BENCH_BASELINE_MS,
    drainMs: env.BENCH_DRAIN_MS,
    pairs: env.BENCH_PAIRS === 0 ? autoPairs : env.BENCH_PAIRS,
    pairsGiven: env.BENCH_PAIRS !== 0,
    contentBytes: env.BENCH_CONTENT_BYTES,
    saturation: { deliveredShare: env.BENCH_SATURATION_DELIVERED, p99Ms: env.BENCH_SATURATION_P99_MS },
    portBase: env.BENCH_PORT_BASE,
    postgresUrl: env.BENCH_POSTGRES_URL,
    fanout: {
      groupSize: env.BENCH_FANOUT_GROUP_SIZE,
      online: Math.min(env.BENCH_FANOUT_ONLINE, env.BENCH_FANOUT_GROUP_SIZE - 6),
      messages: env.BENCH_FANOUT_MESSAGES,
      intervalMs: env.BENCH_FANOUT_INTERVAL_MS,
      timeoutMs: env.BENCH_FANOUT_TIMEOUT_MS,
      settleMs: env.BENCH_FANOUT_SETTLE_MS,
    },
    idle: { sockets: env.BENCH_IDLE_SOCKETS, settleMs: env.BENCH_IDLE_SETTLE_MS },
    connectConcurrency: env.BENCH_CONNECT_CONCURRENCY,
    signUpConcurrency: env.BENCH_SIGNUP_CONCURRENCY,
    startTimeoutMs: env.BENCH_START_TIMEOUT_MS,
    output: env.BENCH_OUTPUT,
    keepLogs: env.BENCH_KEEP_LOGS === "1" || env.BENCH_KEEP_LOGS === "true",
    nodeOptions: env.BENCH_NODE_OPTIONS,
    gatewayRatePerSecond: env.GATEWAY_RATE_PER_SECOND,
  };
}

/**
 * The environment for GoChat's start command: this one, without anything that would point the system at
 * other infrastructure or another data directory; the bench then sets exactly what it runs against.
 */
export function systemBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key === "DATABASE_URL" || key.startsWith("KAFKA_") || key.startsWith("GOCHAT_")) continue;
    env[key] = value;
  }
  // As npm puts them first when it runs a workspace's script.
  env.PATH = `${repoRoot}apps/backend/node_modules/.bin:${repoRoot}node_modules/.bin:${env.PATH ?? ""}`;
  return env;
}
