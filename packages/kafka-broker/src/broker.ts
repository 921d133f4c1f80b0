import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { z } from "zod";
import type { BrokerContext } from "./api/api-types";
import { FetchWaiters } from "./api/fetch-waiters";
import { type BrokerOptions, brokerOptionsSchema } from "./broker-options";
import { GroupCoordinator } from "./groups/group-coordinator";
import { OffsetStore } from "./groups/offset-store";
import { BatchCache } from "./log/batch-cache";
import { lockDataDir } from "./log/data-dir-lock";
import { StorageHealth } from "./log/storage-health";
import { TopicStore } from "./log/topic-store";
import { Connection, type ConnectionLogger } from "./server/connection";

export interface Broker {
  /** "host:port" as advertised to clients, with the real port when 0 was asked for. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const clusterMetaSchema = z.object({ clusterId: z.string().min(1) });

/** The cluster id survives restarts; clients that cache it would otherwise see a different cluster. */
function loadClusterId(dataDir: string): string {
  const path = join(dataDir, "meta.json");
  if (existsSync(path)) {
    const parsed = clusterMetaSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (parsed.success) return parsed.data.clusterId;
  }
  const clusterId = randomUUID().replaceAll("-", "").slice(0, 22);
  writeFileSync(path, JSON.stringify({ clusterId }));
  return clusterId;
}

/** Producer ids must never repeat across restarts; time-based starting points make that so. */
function createProducerIdAllocator(topics: TopicStore): () => bigint {
  let next = BigInt(Date.now()) * 1000n;
  for (const name of topics.names()) {
    for (const partition of topics.partitions(name) ?? []) {
      if (partition.producers.highestProducerId >= next) next = partition.producers.highestProducerId + 1n;
    }
  }
  return () => next++;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startBroker(
  input: BrokerOptions,
  logger: ConnectionLogger = { warn: () => undefined },
): Promise<Broker> {
  const options = brokerOptionsSchema.parse(input);
  mkdirSync(options.dataDir, { recursive: true });
  const unlockDataDir = lockDataDir(options.dataDir);
  const cache = new BatchCache(options.cacheBytes);
  const topics = new TopicStore(options.dataDir, cache, options);
  topics.load();
  const offsets = new OffsetStore(options.dataDir);
  offsets.load();
  const fetchWaiters = new FetchWaiters();
  // A member parked in a fetch when a rebalance begins hears of it only once that fetch returns.
  const groups = new GroupCoordinator(offsets, (clients) => {
    fetchWaiters.releaseClients(clients);
  });
  const sockets = new Set<Socket>();
  const context: BrokerContext = {
    nodeId: options.nodeId,
    clusterId: loadClusterId(options.dataDir),
    advertisedHost:
      options.advertisedHost ??
      (options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host),
    advertisedPort: options.port,
    defaultPartitions: options.defaultPartitions,
    autoCreateTopics: options.autoCreateTopics,
    maxBatchBytes: options.maxBatchBytes,
    saslUsers: options.saslUsers,
    options,
    topics,
    groups,
    fetchWaiters,
    storage: new StorageHealth((message) => logger.warn(message)),
    allocateProducerId: createProducerIdAllocator(topics),
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    new Connection(socket, context, options.maxFrameBytes, logger);
  });
  let bound: AddressInfo;
  try {
    bound = await listen(server, options.host, options.port);
  } catch (error) {
    topics.close();
    offsets.close();
    unlockDataDir();
    throw error;
  }
  context.advertisedPort = bound.port;
  const reportError = (what: string) => (error: unknown) => {
    logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  server.on("error", reportError("listener"));
  groups.start(reportError("group maintenance"));
  const retentionTimer = setInterval(() => {
    try {
      topics.applyRetention(Date.now());
    } catch (error) {
      reportError("retention")(error);
    }
  }, options.retentionCheckIntervalMs);
  retentionTimer.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(retentionTimer);
      groups.stop();
      context.fetchWaiters.releaseAll();
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // Let the answers released above reach their sockets before the connections go.
      await new Promise((resolve) => setImmediate(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
      topics.flush();
      topics.close();
      offsets.close();
      unlockDataDir();
    })();
    return stopping;
  };

  return {
    address: `${context.advertisedHost}:${bound.port}`,
    host: context.advertisedHost,
    port: bound.port,
    dataDir: options.dataDir,
    stop,
  };
}
