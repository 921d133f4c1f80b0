import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BatchCache } from "./batch-cache";
import { type LogLimits, PartitionLog } from "./partition-log";
import { isValidTopicName } from "./topic-name";

/** All topics of the broker, laid out on disk as `topics/<topic>/<partition>/<base offset>.log`. */
export class TopicStore {
  private readonly root: string;
  private readonly cache: BatchCache;
  private readonly limits: LogLimits;
  private readonly topics = new Map<string, PartitionLog[]>();

  constructor(dataDir: string, cache: BatchCache, limits: LogLimits) {
    this.root = join(dataDir, "topics");
    this.cache = cache;
    this.limits = limits;
  }

  load(): void {
    mkdirSync(this.root, { recursive: true });
    for (const name of readdirSync(this.root)) {
      if (!isValidTopicName(name)) continue;
      const partitionIds = readdirSync(join(this.root, name))
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .sort((a, b) => a - b);
      // A partition directory missing in the middle means a damaged layout; keep the contiguous prefix.
      const count = partitionIds.findIndex((id, i) => id !== i);
      const partitions = partitionIds.slice(0, count === -1 ? partitionIds.length : count);
      if (partitions.length === 0) continue;
      this.topics.set(
        name,
        partitions.map((id) => PartitionLog.open(join(this.root, name, String(id)), this.cache, this.limits)),
      );
    }
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  partitions(name: string): readonly PartitionLog[] | undefined {
    return this.topics.get(name);
  }

  partition(name: string, index: number): PartitionLog | undefined {
    return this.topics.get(name)?.[index];
  }

  create(name: string, partitionCount: number): void {
    const directory = join(this.root, name);
    if (existsSync(directory)) rmSync(directory, { recursive: true, force: true });
    const partitions = Array.from({ length: partitionCount }, (_, id) =>
      PartitionLog.open(join(directory, String(id)), this.cache, this.limits),
    );
    this.topics.set(name, partitions);
  }

  /** Appends empty partitions; existing ones keep their data, as in Kafka (keys then map differently). */
  addPartitions(name: string, partitionCount: number): void {
    const partitions = this.topics.get(name);
    if (!partitions) throw new Error(`unknown topic ${name}`);
    for (let id = partitions.length; id < partitionCount; id++) {
      // A leftover directory (from a damaged layout that load() skipped) must not come back as data.
      rmSync(join(this.root, name, String(id)), { recursive: true, force: true });
      partitions.push(PartitionLog.open(join(this.root, name, String(id)), this.cache, this.limits));
    }
  }

  delete(name: string): boolean {
    const partitions = this.topics.get(name);
    if (!partitions) return false;
    for (const partition of partitions) partition.close();
    this.topics.delete(name);
    rmSync(join(this.root, name), { recursive: true, force: true });
    return true;
  }

  applyRetention(nowMs: number): void {
    for (const partitions of this.topics.values()) {
      for (const partition of partitions) partition.applyRetention(nowMs);
    }
  }

  flush(): void {
    for (const partitions of this.topics.values()) for (const partition of partitions) partition.flush();
  }

  close(): void {
    for (const partitions of this.topics.values()) for (const partition of partitions) partition.close();
  }
}
