import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { type Broker, type BrokerOptions, startBroker } from "../../src/index";

export function makeTempDir(prefix = "kafka-broker-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A broker on a free port over a fresh temporary data directory, removed by `cleanup`. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<{
  broker: Broker;
  dataDir: string;
  cleanup: () => Promise<void>;
}> {
  const dataDir = options.dataDir ?? makeTempDir();
  const broker = await startBroker({ port: 0, ...options, dataDir });
  return {
    broker,
    dataDir,
    cleanup: async () => {
      await broker.stop();
      removeDir(dataDir);
    },
  };
}

export function createKafka(address: string, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    brokers: [address],
    clientId: "broker-test",
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50 },
    ...config,
  });
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
