import { AssignerProtocol, type Admin } from "kafkajs";
import { LogEndHistory } from "./log-end-history";

export interface PartitionLag {
  topic: string;
  partition: number;
  logEndOffset: string;
  /** The group's committed offset (the next record it will read); null before its first commit. */
  committedOffset: string | null;
  /** Records behind the log end; null when nothing is committed yet ("no commit yet", not a huge lag). */
  lag: number | null;
  /** How long ago the oldest unconsumed record was appended; 0 when caught up, null with no commit. */
  lagSeconds: number | null;
  /** The record is older than the sampled history: the lag is at least `lagSeconds`. */
  lagSecondsIsLowerBound: boolean;
}

export interface GroupLag {
  groupId: string;
  /** The coordinator's view: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  members: { memberId: string; clientId: string; host: string; assignment: Record<string, number[]> }[];
  partitions: PartitionLag[];
  /** Sum of the partitions' lag (records), counting partitions with a commit. */
  totalLag: number;
  maxLagSeconds: number;
}

export interface LagSnapshot {
  sampledAtMs: number;
  groups: GroupLag[];
  topics: { topic: string; partitions: { partition: number; logEndOffset: string }[] }[];
}

export interface LagCollectorOptions {
  /** A connected kafkajs admin client. */
  admin: Pick<Admin, "listTopics" | "listGroups" | "describeGroups" | "fetchOffsets" | "fetchTopicOffsets">;
  /** Topics a group is known to read, even before it commits or joins (e.g. from the catalogue). */
  topicsOf?: (groupId: string) => readonly string[];
  /** Which groups to report; all by default. */
  includeGroup?: (groupId: string) => boolean;
  /** Distinct log-end offsets kept per partition for the estimate in seconds. */
  historySize?: number;
  now?: () => number;
}

/**
 * Samples consumer lag over the Kafka admin API, so it works the same against the embedded broker and a
 * real cluster: each sample lists the groups and topics, reads every partition's log-end offset and each
 * group's committed offsets, and turns the log-end offsets seen over time into lag in seconds.
 */
export class LagCollector {
  readonly #options: LagCollectorOptions;
  readonly #history = new Map<string, LogEndHistory>();
  readonly #now: () => number;
  #latest: LagSnapshot | undefined;

  constructor(options: LagCollectorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The last snapshot taken, if any. */
  latest(): LagSnapshot | undefined {
    return this.#latest;
  }

  async sample(): Promise<LagSnapshot> {
    const { admin } = this.#options;
    const topicNames = (await admin.listTopics()).filter((name) => !name.startsWith("__")).sort();
    const topics = await Promise.all(
      topicNames.map(async (topic) => ({
        topic,
        partitions: (await admin.fetchTopicOffsets(topic))
          .map(({ partition, high }) => ({ partition, logEndOffset: high }))
          .sort((a, b) => a.partition - b.partition),
      })),
    );
    const sampledAtMs = this.#now();
    for (const { topic, partitions } of topics) {
      for (const { partition, logEndOffset } of partitions) {
        this.#historyOf(topic, partition).record(BigInt(logEndOffset), sampledAtMs);
      }
    }
    const logEnds = new Map(topics.map((t) => [t.topic, t.partitions]));

    const include = this.#options.includeGroup ?? (() => true);
    const groupIds = (await admin.listGroups()).groups
      .filter((group) => group.protocolType === "consumer" || group.protocolType === "")
      .map((group) => group.groupId)
      .filter(include)
      .sort();
    const described = groupIds.length === 0 ? [] : (await admin.describeGroups(groupIds)).groups;
    const groups = await Promise.all(
      groupIds.map(async (groupId) => {
        const description = described.find((g) => g.groupId === groupId);
        const members = (description?.members ?? []).map((member) => ({
          memberId: member.memberId,
          clientId: member.clientId,
          host: member.clientHost,
          assignment: decodeAssignment(member.memberAssignment),
        }));
        const known = new Set([
          ...members.flatMap((m) => Object.keys(m.assignment)),
          ...(this.#options.topicsOf?.(groupId) ?? []),
        ]);
        const offsets = await admin.fetchOffsets({ groupId, topics: topicNames });
        const partitions: PartitionLag[] = [];
        for (const { topic, partitions: committed } of offsets) {
          for (const { partition, offset } of committed) {
            const hasCommit = BigInt(offset) >= 0n;
            if (!hasCommit && !known.has(topic)) continue;
            const logEnd = logEnds.get(topic)?.find((p) => p.partition === partition)?.logEndOffset ?? "0";
            partitions.push(
              this.#partitionLag(topic, partition, logEnd, hasCommit ? offset : null, sampledAtMs),
            );
          }
        }
        partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        return {
          groupId,
          state: description?.state ?? "Unknown",
          members,
          partitions,
          totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
          maxLagSeconds: Math.max(0, ...partitions.map((p) => p.lagSeconds ?? 0)),
        };
      }),
    );
    this.#latest = { sampledAtMs, groups, topics };
    return this.#latest;
  }

  #partitionLag(
    topic: string,
    partition: number,
    logEndOffset: string,
    committedOffset: string | null,
    nowMs: number,
  ): PartitionLag {
    if (committedOffset === null) {
      return {
        topic,
        partition,
        logEndOffset,
        committedOffset,
        lag: null,
        lagSeconds: null,
        lagSecondsIsLowerBound: false,
      };
    }
    const behind = BigInt(logEndOffset) - BigInt(committedOffset);
    // A commit past the log end (a truncated or recreated topic) is no lag, not a negative one.
    const lag = behind > 0n ? Number(behind) : 0;
    const appended =
      lag === 0 ? undefined : this.#historyOf(topic, partition).appendTimeOf(BigInt(committedOffset));
    return {
      topic,
      partition,
      logEndOffset,
      committedOffset,
      lag,
      lagSeconds: appended === undefined ? 0 : Math.max(0, nowMs - appended.atMs) / 1000,
      lagSecondsIsLowerBound: appended?.isLowerBound ?? false,
    };
  }

  #historyOf(topic: string, partition: number): LogEndHistory {
    const key = `${topic}\u0000${partition}`;
    let history = this.#history.get(key);
    if (history === undefined) {
      history = new LogEndHistory(this.#options.historySize);
      this.#history.set(key, history);
    }
    return history;
  }
}

/** A member's topic-partition assignment from the consumer protocol's bytes (empty when unreadable). */
function decodeAssignment(bytes: Buffer): Record<string, number[]> {
  if (bytes.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(bytes)?.assignment ?? {};
  } catch {
    return {};
  }
}

/** Samples every `intervalMs` until stopped; a failed sample is reported and the next one tried. */
export function startLagSampling(
  collector: LagCollector,
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = collector.sample().catch(onError);
  };
  tick();
  const timer = setInterval(() => {
    // A slow cluster must not pile samples up.
    void running.then(tick);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
