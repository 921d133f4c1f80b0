import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { type LatencyResult, measureLatency, measureThroughput, type ThroughputResult } from "./measure";
import { type BenchTarget, startBrokerTarget, startMockTarget } from "./targets";

const MESSAGES = 100_000;
const BATCH = 1_000;
const MESSAGE_BYTES = 1_024;
const ROUNDS = 3;
const PIPELINED_IN_FLIGHT = 4;
const RATE = 1_000;
const SECONDS = 10;
const resultsDir = fileURLToPath(new URL("../../../bench-results/", import.meta.url));

function median(results: ThroughputResult[]): ThroughputResult {
  const sorted = [...results].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as ThroughputResult;
}

interface TargetResults {
  name: string;
  address: string;
  throughputRounds: ThroughputResult[];
  pipelinedRounds: ThroughputResult[];
  throughput?: ThroughputResult;
  pipelinedThroughput?: ThroughputResult;
  latency?: LatencyResult;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

const targets: BenchTarget[] = [await startBrokerTarget(), await startMockTarget()];
const results: TargetResults[] = targets.map((target) => ({
  name: target.name,
  address: target.address,
  throughputRounds: [],
  pipelinedRounds: [],
}));
try {
  // Rounds alternate between targets so background load on a shared machine hits both alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, target] of targets.entries()) {
      const result = await measureThroughput(target.address, MESSAGES, BATCH, MESSAGE_BYTES);
      results[i]?.throughputRounds.push(result);
      const pipelined = await measureThroughput(
        target.address,
        MESSAGES,
        BATCH,
        MESSAGE_BYTES,
        PIPELINED_IN_FLIGHT,
      );
      results[i]?.pipelinedRounds.push(pipelined);
      print(
        `round ${round} ${target.name}: produce ${result.messagesPerSecond} msg/s (${result.megabytesPerSecond} MB/s), ` +
          `${PIPELINED_IN_FLIGHT} in flight ${pipelined.messagesPerSecond} msg/s`,
      );
    }
  }
  for (const [i, target] of targets.entries()) {
    const entry = results[i] as TargetResults;
    entry.throughput = median(entry.throughputRounds);
    entry.pipelinedThroughput = median(entry.pipelinedRounds);
    entry.latency = await measureLatency(target.address, RATE, SECONDS, target.consumerMaxWaitMs);
    print(
      `${target.name}: produce→consume at ${RATE} msg/s: p50 ${entry.latency.p50Ms} ms, p99 ${entry.latency.p99Ms} ms, ` +
        `max ${entry.latency.maxMs} ms (${entry.latency.received}/${RATE * SECONDS} received)`,
    );
  }
} finally {
  for (const target of targets) await target.stop();
}

const [broker, mock] = results as [TargetResults, TargetResults];
const ratio = (broker.throughput?.messagesPerSecond ?? 0) / (mock.throughput?.messagesPerSecond ?? 1);
const pipelinedRatio =
  (broker.pipelinedThroughput?.messagesPerSecond ?? 0) / (mock.pipelinedThroughput?.messagesPerSecond ?? 1);
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version },
  client: "kafkajs 2.2.4",
  setup: {
    messages: MESSAGES,
    batchSize: BATCH,
    messageBytes: MESSAGE_BYTES,
    throughputRounds: ROUNDS,
    latencyRatePerSecond: RATE,
    latencySeconds: SECONDS,
  },
  broker,
  reference: mock,
  produceThroughputRatio: Math.round(ratio * 100) / 100,
  pipelinedProduceThroughputRatio: Math.round(pipelinedRatio * 100) / 100,
};
mkdirSync(resultsDir, { recursive: true });
const path = `${resultsDir}kafka-broker.json`;
writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
print(
  `median produce throughput: kafka-broker ${broker.throughput?.messagesPerSecond} msg/s, ` +
    `librdkafka mock ${mock.throughput?.messagesPerSecond} msg/s (ratio ${report.produceThroughputRatio}); ` +
    `${PIPELINED_IN_FLIGHT} in flight: ${broker.pipelinedThroughput?.messagesPerSecond} vs ` +
    `${mock.pipelinedThroughput?.messagesPerSecond} msg/s (ratio ${report.pipelinedProduceThroughputRatio})`,
);
print(`written to ${path}`);
