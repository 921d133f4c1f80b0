import type { FanoutResult } from "../phases/fanout";
import type { IdleResult } from "../phases/idle";
import type { SteppedResult } from "../phases/stepped";
import type { PipelineReport, RatioRow, SystemRun } from "./results";
import type { LatencySummary } from "../measure/latency";
import type { HopFigures } from "../measure/hops";
import type { WindowUsage } from "../measure/proc";
import { duration, formatTable, ms, ratio } from "./table";

const GENERATOR = "load generator";

/** The system's processes first, then the bench's own. */
const rank = (name: string) => (name === GENERATOR ? 1 : name === "bench" ? 2 : 0);

/** A percentile of a summary, or "-" when nothing was recorded (every send refused, say). */
function pct(summary: LatencySummary, key: "p50Ms" | "p90Ms" | "p99Ms" | "maxMs"): string {
  return summary.count === 0 ? "-" : ms(summary[key]);
}

function refusals(refused: Record<string, number>, unanswered: number): string {
  const entries = Object.entries(refused).map(([code, count]) => `${code} ${count}`);
  if (unanswered > 0) entries.push(`no answer ${unanswered}`);
  return entries.length === 0 ? "0" : entries.join(", ");
}

export function steppedTables(title: string, result: SteppedResult): string {
  const header = `${title}: ${result.pairs} pairs (sender and receiver on different sockets)`;
  const steps = formatTable(
    [
      "offered/s",
      "delivered/s",
      "recv p50",
      "p90",
      "p99",
      "max",
      "ack p50",
      "p99",
      "lost",
      "dup",
      "ooo",
      "seq inv",
      "refused",
      "cpu ms/msg",
      "marginal",
      "gen cpu%",
      "machine%",
      "others",
      "",
    ],
    result.steps.map((step) => [
      String(step.rateMps),
      step.deliveredMps.toFixed(0),
      pct(step.sendToReceive, "p50Ms"),
      pct(step.sendToReceive, "p90Ms"),
      pct(step.sendToReceive, "p99Ms"),
      pct(step.sendToReceive, "maxMs"),
      pct(step.sendToAck, "p50Ms"),
      pct(step.sendToAck, "p99Ms"),
      String(step.lost),
      String(step.duplicates),
      String(step.outOfOrder),
      String(step.seqInversions),
      refusals(step.refused, step.unanswered),
      step.cpuMsPerMessage === null ? "-" : step.cpuMsPerMessage.toFixed(3),
      step.marginalCpuMsPerMessage === null ? "-" : step.marginalCpuMsPerMessage.toFixed(3),
      (step.usage.byProcess.find((row) => row.name === GENERATOR)?.cpuPercent ?? 0).toFixed(0),
      step.usage.machineBusyPercent.toFixed(0),
      step.usage.otherLoadCores.toFixed(2),
      [
        step.saturated === null ? "" : `saturated: ${step.saturated}`,
        step.drained ? "" : `not drained in ${Math.round(step.drainMs / 1000)} s`,
      ]
        .filter(Boolean)
        .join("; "),
    ]),
  );
  const names = [
    ...new Set(result.steps.flatMap((step) => step.usage.byProcess.map((row) => row.name))),
  ].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cells = (label: string, usage: WindowUsage) => [
    label,
    ...names.map((name) => {
      const row = usage.byProcess.find((candidate) => candidate.name === name);
      return row === undefined ? "-" : `${row.cpuPercent.toFixed(0)}% ${Math.round(row.rssMb)}M`;
    }),
  ];
  const processes = formatTable(
    ["offered/s", ...names],
    [
      cells("no load", result.baseline),
      ...result.steps.map((step) => cells(String(step.rateMps), step.usage)),
    ],
  );
  const settle =
    result.settle === null
      ? []
      : [
          `after the last step: backlog ${result.settle.quiet ? "gone" : "still arriving"} after ` +
            `${duration(result.settle.waitedMs)} (${result.settle.lateReceipts} late receipts)`,
        ];
  const traced = result.steps.flatMap((step) => (step.hops === null ? [] : [{ step, hops: step.hops }]));
  const hopFigure = (figures: HopFigures) =>
    figures.p50Ms === null ? "-" : `${ms(figures.p50Ms)} / ${ms(figures.p90Ms ?? figures.p50Ms)}`;
  const hops =
    traced.length === 0
      ? []
      : [
          "",
          "where the time went, p50 / p90 ms, from the sampled messages' traces (gateway in = checks and produce queue;",
          "upstream and downstream = produce, broker and fetch; im-logic = from its process span to the receiver's record, the im-repo call within it):",
          formatTable(
            [
              "offered/s",
              "traces",
              "gateway in",
              "upstream",
              "im-logic",
              "im-repo call",
              "downstream",
              "gateway out",
              "total",
            ],
            traced.map(({ step, hops: h }) => {
              return [
                String(step.rateMps),
                String(h.traces),
                hopFigure(h.hops.gatewayIn),
                hopFigure(h.hops.upstreamKafka),
                hopFigure(h.hops.logic),
                hopFigure(h.acceptCall),
                hopFigure(h.hops.downstreamKafka),
                hopFigure(h.hops.gatewayOut),
                hopFigure(h.hops.total),
              ];
            }),
          ),
        ];
  return [
    header,
    "latency in ms from the scheduled send; ooo = received below a seq already seen; seq inv = sent later, lower seq;\n" +
      "marginal = cpu ms/msg less the no-load baseline; machine% = whole machine busy; others = cores used by processes outside this bench (a shared machine)",
    steps,
    ...settle,
    "",
    "CPU (% of one core over the steady window) and RSS per process:",
    processes,
    ...hops,
  ].join("\n");
}

export function ratioTable(title: string, rows: RatioRow[], against = " / relay"): string {
  return [
    `${title}${against}, same run:`,
    formatTable(
      ["offered/s", "p50", "p99", "cpu/msg"],
      rows.map((row) => [String(row.rateMps), ratio(row.p50), ratio(row.p99), ratio(row.cpuPerMessage)]),
    ),
  ].join("\n");
}

export function systemLines(title: string, run: SystemRun): string {
  const rss = Object.entries(run.rssAtReadyMb)
    .map(([name, mb]) => {
      const own = run.privateAtReadyMb[name];
      return `${name} ${Math.round(mb)}M` + (own === undefined ? "" : ` (${Math.round(own)}M private)`);
    })
    .join(", ");
  return [
    `${title} (${run.database}): up in ${(run.startMs / 1000).toFixed(1)} s` +
      (run.seedMs === null ? "" : `, seeded in ${(run.seedMs / 1000).toFixed(1)} s`) +
      (run.signUpSeconds === null ? "" : `, pairs signed up in ${run.signUpSeconds.toFixed(1)} s`) +
      (run.stop === null
        ? ""
        : `, stopped in ${(run.stop.stopMs / 1000).toFixed(1)} s${run.stop.killed ? " (killed)" : ""}`),
    `  RSS at ready, no sockets: ${rss}`,
  ].join("\n");
}

export function fanoutTable(result: FanoutResult): string {
  const rows = [result.cold, ...result.warm].map((message, index) => [
    index === 0 ? "first (cold)" : `#${index} (+${message.offsetMs / 1000} s)`,
    ms(message.ackMs),
    ms(message.firstMs),
    ms(message.medianMs),
    ms(message.lastMs),
    `${message.received}/${message.expected}`,
    message.ackError ?? "",
  ]);
  const busiest = [...result.usage.byProcess]
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .slice(0, 4)
    .map((row) => `${row.name} ${Math.round(row.cpuMs)} ms`)
    .join(", ");
  return [
    `fan-out: ${result.groupId}, ${result.members} members, ${result.online} online across both gateways ` +
      `(connected at ${result.connect.perSecond.toFixed(0)}/s; the logins' work ` +
      `${result.loginBacklog.caughtUp ? "done" : "not done"} ${duration(result.loginBacklog.waitedMs)} later, ` +
      `at most ${result.loginBacklog.maxLag} records behind: ` +
      `${Object.entries(result.loginBacklog.maxLagByGroup)
        .map(([group, lag]) => `${group} ${lag}`)
        .join(", ")})`,
    formatTable(["message", "ack", "first", "median", "last", "received", ""], rows),
    `last delivery over the ${result.warm.length} warm messages: p50 ${duration(result.warmLastMs.p50)}, max ${duration(result.warmLastMs.max)}`,
    `CPU over the whole fan-out: ${busiest}`,
  ].join("\n");
}

export function idleLines(result: IdleResult): string {
  return [
    `idle sockets: ${result.sockets} on ${result.gateway}, connected at ${result.connect.perSecond.toFixed(0)}/s ` +
      `(${result.connect.failed} failed), gateway CPU ${result.connectCpuMsPerSocket.toFixed(2)} ms per connect`,
    `  ${result.gateway} RSS: ${Math.round(result.rssBeforeMb)} MB before (PSS ${Math.round(result.pssBeforeMb)} MB), ${Math.round(result.rssConnectedMb)} MB with them ` +
      `(${result.perConnectionKb.toFixed(1)} KB each), ${Math.round(result.rssAfterCloseMb)} MB after they closed`,
  ].join("\n");
}

export function printReport(report: PipelineReport, print: (text: string) => void): void {
  print(
    `\nGoChat pipeline bench, ${report.recordedAt}, Node ${report.node}, ${report.cores} cores (${report.cpuModel})` +
      (report.buildMs === null ? "" : `; backend built in ${(report.buildMs / 1000).toFixed(1)} s`),
  );
  if (report.relay !== null) print(`\n${steppedTables("relay (bare socket.io, one process)", report.relay)}`);
  for (const [key, title] of [
    ["embedded", "GoChat, embedded broker + PGlite"],
    ["untraced", "GoChat, embedded broker + PGlite, tracing off"],
    ["postgres", "GoChat, embedded broker + PostgreSQL"],
  ] as const) {
    const run = report[key];
    if (run === null) continue;
    print(`\n${systemLines(title, run)}`);
    if (run.stepped !== null) print(`\n${steppedTables(title, run.stepped)}`);
    if (report.ratios[key].length > 0) print(`\n${ratioTable(title, report.ratios[key])}`);
  }
  if (report.overload !== null) {
    const title = "GoChat under overload (capacity, twice capacity, capacity again)";
    print(`\n${systemLines(title, report.overload)}`);
    if (report.overloadBasis !== null) print(`  rates: ${report.overloadBasis}`);
    if (report.overload.stepped !== null) print(`\n${steppedTables(title, report.overload.stepped)}`);
  }
  if (report.tracingCost.length > 0)
    print(`\n${ratioTable("GoChat with tracing as shipped / tracing off", report.tracingCost, "")}`);
  if (report.fanout !== null) print(`\n${fanoutTable(report.fanout)}`);
  if (report.idle !== null) print(`\n${idleLines(report.idle)}`);
  for (const failure of report.failures) print(`\nFAILED ${failure.phase}: ${failure.error}`);
}
