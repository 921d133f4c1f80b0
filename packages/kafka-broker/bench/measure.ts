import { performance } from "node:perf_hooks";
import { Kafka, logLevel } from "kafkajs";

export interface ThroughputResult {
  messages: number;
  messageBytes: number;
  inFlight: number;
  seconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
}

export interface LatencyResult {
  ratePerSecond: number;
  seconds: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function createKafka(address: string): Kafka {
  return new Kafka({ brokers: [address], clientId: "bench", logLevel: logLevel.NOTHING });
}

/**
 * Batched kafkajs produce of fixed-size messages, acks=-1. With `inFlight` 1 each batch is awaited
 * before the next, as a service would; more keeps several requests on the wire at once.
 */
export async function measureThroughput(
  address: string,
  total: number,
  batchSize: number,
  messageBytes: number,
  inFlight = 1,
): Promise<ThroughputResult> {
  const producer = createKafka(address).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const value = Buffer.alloc(messageBytes, 120);
  const batch = Array.from({ length: batchSize }, (_, i) => ({ key: String(i), value }));
  const topic = "bench-throughput";
  await producer.send({ topic, messages: batch.slice(0, 10) });
  const started = performance.now();
  let sent = 0;
  const sendLoop = async () => {
    while (sent < total) {
      sent += batchSize;
      await producer.send({ topic, acks: -1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sendLoop));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return {
    messages: total,
    messageBytes,
    inFlight,
    seconds,
    messagesPerSecond: Math.round(total / seconds),
    megabytesPerSecond: Math.round((total * messageBytes) / seconds / 1e6),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Sends single messages at a fixed rate and times each from send to eachMessage in a consumer group.
 * Both ends live in this process, so one clock measures the whole trip.
 */
export async function measureLatency(
  address: string,
  ratePerSecond: number,
  seconds: number,
  consumerMaxWaitMs: number,
): Promise<LatencyResult> {
  const kafka = createKafka(address);
  const topic = `bench-latency-${Date.now()}`;
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic, messages: [{ value: "warm-up" }] });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: consumerMaxWaitMs });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const latencies: number[] = [];
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      resolve();
    });
  });
  await consumer.run({
    eachMessage: ({ message }) => {
      const sentAt = Number(message.value?.toString());
      if (Number.isFinite(sentAt)) latencies.push(performance.now() - sentAt);
      return Promise.resolve();
    },
  });
  await joined;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const total = ratePerSecond * seconds;
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSecond));
    for (; sent < due; sent++)
      sends.push(producer.send({ topic, acks: 1, messages: [{ value: String(performance.now()) }] }));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(sends);
  const deadline = performance.now() + 10_000;
  while (latencies.length < total && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  await consumer.disconnect();
  await producer.disconnect();
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    ratePerSecond,
    seconds,
    received: latencies.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}
