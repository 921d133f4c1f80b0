import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker } from "./broker";
import type { BrokerOptions } from "./broker-options";

export interface TemporaryBroker {
  /** The bootstrap list to hand to kafkajs: the broker's own address. */
  brokers: string[];
  dataDir: string;
  stop(): Promise<void>;
}

/** A broker on a free loopback port with a throwaway data directory, removed on stop: for tests. */
export async function startTemporaryBroker(
  options: Partial<Omit<BrokerOptions, "dataDir">> = {},
): Promise<TemporaryBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), "gochat-broker-"));
  const broker = await startBroker({ host: "127.0.0.1", port: 0, ...options, dataDir });
  return {
    brokers: [broker.address],
    dataDir,
    async stop() {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
