import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { overloadPlan, readSettings, type BenchSettings } from "./env";
import { LoadGenerator } from "./load/worker-client";
import type { WatchedProcess } from "./measure/proc";
import { privateMbOf, rssMbOf } from "./measure/proc";
import { runFanout, type FanoutResult } from "./phases/fanout";
import { runIdle, type IdleResult } from "./phases/idle";
import { runSteppedLoad, type SteppedResult, type StepPlan } from "./phases/stepped";
import { relayPairs, signUpPairs } from "./phases/users";
import { printReport } from "./report/print";
import { ratios, type PipelineReport, type SystemRun } from "./report/results";
import { Cleanups } from "./system/cleanups";
import { startGoChat, type RunningGoChat } from "./system/gochat";
import { assertPortsFree, portLayout, type PortLayout } from "./system/ports";
import { createScratchDatabase } from "./system/postgres";
import { startRelay } from "./system/relay";
import { buildBackend } from "./system/start-command";
import { seedDemoData } from "./system/seed";

const print = (line: string) => {
  process.stdout.write(`${line}\n`);
};
const log = (line: string) => {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

const settings = readSettings();
const layout = portLayout(settings.portBase);
const workDir = mkdtempSync(join(tmpdir(), "gochat-pipeline-bench-"));
const cleanups = new Cleanups();
const failures: PipelineReport["failures"] = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything the bench started`);
    void cleanups.runAll().then(() => {
      log(`logs kept in ${workDir}`);
      process.exit(130);
    });
  });
}

/** The load generator, and this process (which only samples /proc), measured apart from the system. */
const benchProcesses = (generator: LoadGenerator): WatchedProcess[] => [
  { pid: generator.pid, name: "load generator", helper: false, system: false },
  { pid: process.pid, name: "bench", helper: false, system: false },
];

async function withGenerator<T>(use: (generator: LoadGenerator) => Promise<T>): Promise<T> {
  const generator = LoadGenerator.start();
  const release = cleanups.add(() => generator.stop());
  try {
    return await use(generator);
  } finally {
    await release();
  }
}

function warnAboutRateLimit(config: BenchSettings): void {
  const perSender = (config.steps[config.steps.length - 1] ?? 0) / config.pairs;
  if (perSender > 0.75 * config.gatewayRatePerSecond)
    log(
      `warning: ${perSender.toFixed(1)} msg/s per sender at the top step is close to the gateway's ` +
        `per-socket limit (${config.gatewayRatePerSecond}/s): raise BENCH_PAIRS`,
    );
}

async function runRelay(): Promise<SteppedResult> {
  const relay = await startRelay(layout.relay);
  const release = cleanups.add(() => relay.stop());
  try {
    return await withGenerator((generator) =>
      runSteppedLoad(
        {
          name: "relay",
          pairs: relayPairs(settings.pairs, relay.url),
          generator,
          processes: async () => [
            { pid: relay.pid, name: "relay", helper: false, system: true },
            ...benchProcesses(generator),
          ],
          log,
        },
        settings,
      ),
    );
  } finally {
    await release();
  }
}

interface SystemPhaseOptions {
  name: string;
  database: SystemRun["database"];
  databaseUrl?: string;
  /** Server processes outside the tree that work for this system (PostgreSQL's backends). */
  extraProcesses?: () => Promise<WatchedProcess[]>;
  seed: boolean;
  stepped: boolean;
  /** The rates to offer, when not the 1:1 steps, and the pairs to offer them over. */
  plan?: StepPlan;
  pairs?: number;
  extraEnv?: Record<string, string>;
  afterSteps?: (system: RunningGoChat, processes: () => Promise<WatchedProcess[]>) => Promise<void>;
}

let built: Promise<number | null> | undefined;

async function runSystem(options: SystemPhaseOptions, ports: PortLayout): Promise<SystemRun> {
  const dataDir = join(workDir, options.name, "data");
  const logFile = join(workDir, `${options.name}.log`);
  mkdirSync(dataDir, { recursive: true });
  const run: SystemRun = {
    database: options.database,
    seedMs: null,
    startMs: 0,
    rssAtReadyMb: {},
    privateAtReadyMb: {},
    signUpSeconds: null,
    stepped: null,
    stop: null,
  };
  if (options.seed) {
    log(`${options.name}: seeding a ${settings.fanout.groupSize}-member group`);
    run.seedMs = await seedDemoData(dataDir, settings.fanout.groupSize, logFile);
  }
  if (built === undefined) {
    log("building the backend, as npm start does");
    built = buildBackend(join(workDir, "build.log"));
    report.buildMs = await built;
  }
  await built;
  log(`${options.name}: starting GoChat (log: ${logFile})`);
  const system = await startGoChat({
    nodeOptions: settings.nodeOptions,
    layout: ports,
    dataDir,
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    logFile,
    timeoutMs: settings.startTimeoutMs,
    ...(options.extraEnv === undefined ? {} : { extraEnv: options.extraEnv }),
  });
  const release = cleanups.add(async () => {
    run.stop = await system.stop();
  });
  try {
    run.startMs = system.startMs;
    const atReady = system.processes();
    for (const name of new Set(atReady.filter((p) => !p.helper).map((p) => p.name))) {
      run.rssAtReadyMb[name] = rssMbOf(atReady, name);
      run.privateAtReadyMb[name] = privateMbOf(atReady, name);
    }
    const processes = async () => [...system.processes(), ...((await options.extraProcesses?.()) ?? [])];
    if (options.stepped) {
      const gateways = Object.values(system.gatewayUrls);
      const pairs = options.pairs ?? settings.pairs;
      log(`${options.name}: signing up ${pairs} pairs`);
      const setup = await signUpPairs({
        repoUrl: system.repoUrl,
        count: pairs,
        concurrency: settings.signUpConcurrency,
        senderUrl: gateways[0] as string,
        receiverUrl: gateways[1] as string,
      });
      run.signUpSeconds = setup.signUpSeconds;
      run.stepped = await withGenerator((generator) =>
        runSteppedLoad(
          {
            name: options.name,
            pairs: setup.pairs,
            generator,
            processes: async () => [...(await processes()), ...benchProcesses(generator)],
            log,
            traceStoreUrl: system.traceStoreUrl,
          },
          settings,
          options.plan,
        ),
      );
    }
    await options.afterSteps?.(system, processes);
  } finally {
    log(`${options.name}: stopping GoChat`);
    await release();
  }
  return run;
}

async function phase<T>(name: string, body: () => Promise<T>): Promise<T | null> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${message}`);
    failures.push({ phase: name, error: message });
    return null;
  }
}

const report: PipelineReport = {
  benchmark: "pipeline",
  description:
    "GoChat end to end as npm start runs it (1:1 stepped open-loop load, group fan-out, idle sockets) " +
    "beside a bare socket.io relay driven by the same load generator",
  recordedAt: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  buildMs: null,
  settings: { ...settings, output: undefined },
  relay: null,
  embedded: null,
  untraced: null,
  postgres: null,
  overload: null,
  overloadBasis: null,
  fanout: null,
  idle: null,
  ratios: { embedded: [], untraced: [], postgres: [] },
  tracingCost: [],
  failures,
};

try {
  await assertPortsFree(layout);
  warnAboutRateLimit(settings);
  const wants = (name: (typeof settings.phases)[number]) => settings.phases.includes(name);
  if (wants("relay")) report.relay = await phase("relay", runRelay);
  if (wants("embedded") || wants("fanout") || wants("idle")) {
    let fanout: FanoutResult | null = null;
    let idle: IdleResult | null = null;
    report.embedded = await phase("embedded", () =>
      runSystem(
        {
          name: "embedded",
          database: "embedded PGlite",
          seed: wants("fanout") || wants("idle"),
          stepped: wants("embedded"),
          afterSteps: async (system, processes) => {
            if (wants("fanout"))
              fanout = await phase("fanout", () =>
                withGenerator((generator) =>
                  runFanout({
                    system,
                    generator,
                    settings,
                    processes: async () => [...(await processes()), ...benchProcesses(generator)],
                    log,
                  }),
                ),
              );
            if (wants("idle"))
              idle = await phase("idle", () =>
                withGenerator((generator) => runIdle({ system, generator, settings, log })),
              );
          },
        },
        layout,
      ),
    );
    report.fanout = fanout;
    report.idle = idle;
  }
  if (wants("untraced")) {
    // The same system with no span kept or exported (instrumentations still loaded): what tracing costs.
    report.untraced = await phase("untraced", () =>
      runSystem(
        {
          name: "untraced",
          database: "embedded PGlite",
          seed: false,
          stepped: true,
          extraEnv: { OTEL_TRACES_SAMPLER: "always_off", GOCHAT_TRACE_STORE: "false" },
        },
        layout,
      ),
    );
  }
  if (wants("overload")) {
    // A fresh system offered capacity, then twice it (the gateways refuse what they cannot take with
    // UNAVAILABLE and a retry-after), then capacity again: accepted messages keep a bounded latency, and
    // the step after the overload shows how soon it is over.
    const plan = overloadPlan(settings, report.embedded?.stepped?.steps);
    log(`overload: ${plan.steps.map((rate) => `${rate}/s`).join(", ")} (${plan.basis})`);
    report.overloadBasis = plan.basis;
    report.overload = await phase("overload", () =>
      runSystem(
        {
          name: "overload",
          database: "embedded PGlite",
          seed: false,
          stepped: true,
          plan: { steps: plan.steps, stopAtSaturation: false },
          pairs: plan.pairs,
        },
        layout,
      ),
    );
  }
  if (wants("postgres")) {
    report.postgres = await phase("postgres", async () => {
      const database = await createScratchDatabase(settings.postgresUrl);
      const release = cleanups.add(() => database.drop());
      try {
        return await runSystem(
          {
            name: "postgres",
            database: "PostgreSQL",
            databaseUrl: database.url,
            extraProcesses: async () =>
              (await database.backendPids()).map((pid) => ({
                pid,
                name: "postgres",
                helper: false,
                system: true,
              })),
            seed: false,
            stepped: true,
          },
          layout,
        );
      } finally {
        await release();
      }
    });
  }
} catch (error) {
  failures.push({ phase: "bench", error: error instanceof Error ? error.message : String(error) });
} finally {
  await cleanups.runAll();
}

report.ratios.embedded = ratios(report.embedded?.stepped ?? null, report.relay);
report.ratios.untraced = ratios(report.untraced?.stepped ?? null, report.relay);
report.ratios.postgres = ratios(report.postgres?.stepped ?? null, report.relay);
report.tracingCost = ratios(report.embedded?.stepped ?? null, report.untraced?.stepped ?? null);
printReport(report, print);
mkdirSync(dirname(settings.output), { recursive: true });
writeFileSync(settings.output, `${JSON.stringify(report, null, 2)}\n`);
print(`\nwritten to ${settings.output}`);
if (failures.length === 0 && !settings.keepLogs) rmSync(workDir, { recursive: true, force: true });
else print(`logs kept in ${workDir}`);
process.exit(failures.length === 0 ? 0 : 1);
