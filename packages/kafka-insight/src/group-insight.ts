import type {
  ClusterSnapshot,
  GroupMember,
  GroupSnapshot,
  InsightAdmin,
  SnapshotOptions,
} from "./cluster-snapshot";
import { readClusterSnapshot } from "./cluster-snapshot";
import { LagHistory, type LagPoint } from "./lag-history";
import { LogEndHistory } from "./log-end-history";

/** The span a topic's produce rate is measured over. */
const RATE_WINDOW_MS = 60_000;
import {
  evaluatePartitionStatus,
  worstStatus,
  type CommitObservation,
  type PartitionStatus,
} from "./partition-status";

export interface PartitionReport {
  topic: string;
  partition: number;
  logStartOffset: string;
  logEndOffset: string;
  /** The next offset the group will read; null when it has never committed here ("no commit yet"). */
  committedOffset: string | null;
  /** Records behind the log end; null with no commit, never a made-up huge number. */
  lag: number | null;
  /** Age of the oldest unread record, interpolated over sampled log-end offsets; 0 when caught up. */
  lagSeconds: number | null;
  /** The oldest unread record predates the sampled history: the lag is at least `lagSeconds`. */
  lagSecondsIsLowerBound: boolean;
  status: PartitionStatus;
  /** The member the partition is assigned to, if any. */
  owner: { memberId: string; clientId: string; host: string } | null;
}

export interface GroupReport {
  groupId: string;
  state: string;
  protocolType: string;
  members: GroupMember[];
  partitions: PartitionReport[];
  topics: string[];
  /** Sum of the lag of partitions with a commit. */
  totalLag: number;
  maxLagSeconds: number | null;
  uncommittedPartitions: number;
  /** The worst partition's status. */
  status: PartitionStatus;
}

export interface InsightReport {
  atMs: number;
  groups: GroupReport[];
  topics: {
    topic: string;
    partitions: {
      partition: number;
      logStartOffset: string;
      logEndOffset: string;
      /** Records appended per second over the last minute of samples; null before two samples. */
      ratePerSecond: number | null;
    }[];
  }[];
}

export interface GroupInsightOptions extends SnapshotOptions {
  /** Observations per partition in the status window (Burrow's default is 10). */
  windowSize?: number;
  /** How long lag history is kept. */
  historyRetentionMs?: number;
  /** Distinct log-end offsets kept per partition for lag in seconds. */
  logEndSamples?: number;
}

interface PartitionTrack {
  window: CommitObservation[];
  lastAdvanceMs: number;
}

const key = (...parts: (string | number)[]) => parts.join("\u0000");

/**
 * Consumer-group insight, sampled over time: call `sample()` (or `observe()` with a snapshot) every few
 * seconds. Each call reads the offsets, evaluates every partition's status over its window of observed
 * commits against the live log-end offset, and appends to the lag history.
 */
export class GroupInsight {
  private readonly options: Required<Pick<GroupInsightOptions, "windowSize" | "logEndSamples">> &
    GroupInsightOptions;
  private readonly logEnds = new Map<string, LogEndHistory>();
  private readonly tracks = new Map<string, PartitionTrack>();
  private readonly groupHistory: LagHistory;
  private readonly partitionHistory: LagHistory;
  private latestReport: InsightReport | undefined;

  constructor(options: GroupInsightOptions = {}) {
    this.options = { windowSize: 10, logEndSamples: 120, ...options };
    const retention = options.historyRetentionMs ?? 60 * 60 * 1000;
    this.groupHistory = new LagHistory(retention);
    this.partitionHistory = new LagHistory(retention);
  }

  async sample(admin: InsightAdmin): Promise<InsightReport> {
    return this.observe(await readClusterSnapshot(admin, this.options));
  }

  latest(): InsightReport | undefined {
    return this.latestReport;
  }

  history(groupId: string, sinceMs?: number): LagPoint[] {
    return this.groupHistory.get(groupId, sinceMs);
  }

  historyOfPartition(groupId: string, topic: string, partition: number, sinceMs?: number): LagPoint[] {
    return this.partitionHistory.get(key(groupId, topic, partition), sinceMs);
  }

  observe(snapshot: ClusterSnapshot): InsightReport {
    const now = snapshot.atMs;
    for (const [topic, partitions] of snapshot.topics) {
      for (const p of partitions) this.logEndOf(topic, p.partition).record(p.logEndOffset, now);
    }
    const groups = snapshot.groups.map((group) => this.reportGroup(group, snapshot));
    this.forgetVanished(snapshot, groups);
    const report: InsightReport = {
      atMs: now,
      groups,
      topics: [...snapshot.topics].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          logStartOffset: p.logStartOffset.toString(),
          logEndOffset: p.logEndOffset.toString(),
          ratePerSecond: this.logEndOf(topic, p.partition).ratePerSecond(now, RATE_WINDOW_MS),
        })),
      })),
    };
    this.latestReport = report;
    return report;
  }

  private logEndOf(topic: string, partition: number): LogEndHistory {
    const id = key(topic, partition);
    let history = this.logEnds.get(id);
    if (history === undefined) {
      history = new LogEndHistory(this.options.logEndSamples);
      this.logEnds.set(id, history);
    }
    return history;
  }

  private reportGroup(group: GroupSnapshot, snapshot: ClusterSnapshot): GroupReport {
    const now = snapshot.atMs;
    const owners = new Map<string, PartitionReport["owner"]>();
    for (const member of group.members) {
      for (const [topic, partitions] of Object.entries(member.assignment)) {
        for (const partition of partitions) {
          owners.set(key(topic, partition), {
            memberId: member.memberId,
            clientId: member.clientId,
            host: member.host,
          });
        }
      }
    }
    const hasMembers = group.members.length > 0;
    const partitions: PartitionReport[] = [];
    for (const { topic, partition, offset } of group.committed) {
      const offsets = snapshot.topics.get(topic)?.find((p) => p.partition === partition);
      // A commit on a topic that no longer exists says nothing about lag.
      if (offsets === undefined) continue;
      partitions.push(this.reportPartition(group.groupId, topic, offsets, offset, hasMembers, now, owners));
    }
    let totalLag = 0;
    let maxLagSeconds: number | null = null;
    let uncommitted = 0;
    for (const p of partitions) {
      if (p.lag === null) uncommitted++;
      else totalLag += p.lag;
      if (p.lagSeconds !== null) maxLagSeconds = Math.max(maxLagSeconds ?? 0, p.lagSeconds);
    }
    this.groupHistory.add(group.groupId, { atMs: now, lag: totalLag, lagSeconds: maxLagSeconds });
    return {
      groupId: group.groupId,
      state: group.state,
      protocolType: group.protocolType,
      members: group.members,
      partitions,
      topics: [...new Set(partitions.map((p) => p.topic))],
      totalLag,
      maxLagSeconds,
      uncommittedPartitions: uncommitted,
      status: worstStatus(partitions.map((p) => p.status)),
    };
  }

  private reportPartition(
    groupId: string,
    topic: string,
    offsets: { partition: number; logStartOffset: bigint; logEndOffset: bigint },
    committed: bigint | null,
    hasMembers: boolean,
    now: number,
    owners: Map<string, PartitionReport["owner"]>,
  ): PartitionReport {
    const { partition, logEndOffset } = offsets;
    const base = {
      topic,
      partition,
      logStartOffset: offsets.logStartOffset.toString(),
      logEndOffset: logEndOffset.toString(),
      owner: owners.get(key(topic, partition)) ?? null,
    };
    if (committed === null) {
      return {
        ...base,
        committedOffset: null,
        lag: null,
        lagSeconds: null,
        lagSecondsIsLowerBound: false,
        status: "OK",
      };
    }
    const lag = logEndOffset > committed ? logEndOffset - committed : 0n;
    const track = this.trackOf(key(groupId, topic, partition), now);
    const previous = track.window.at(-1);
    if (previous === undefined || previous.offset !== committed) track.lastAdvanceMs = now;
    track.window.push({ offset: committed, atMs: now, lag });
    if (track.window.length > this.options.windowSize) track.window.shift();
    const status = evaluatePartitionStatus({
      window: track.window,
      windowSize: this.options.windowSize,
      logEndOffset,
      hasMembers,
      nowMs: now,
      lastAdvanceMs: track.lastAdvanceMs,
    });
    const appended = lag === 0n ? undefined : this.logEndOf(topic, partition).appendTimeOf(committed);
    const lagSeconds =
      lag === 0n ? 0 : appended === undefined ? 0 : Math.max(0, (now - appended.atMs) / 1000);
    this.partitionHistory.add(key(groupId, topic, partition), { atMs: now, lag: Number(lag), lagSeconds });
    return {
      ...base,
      committedOffset: committed.toString(),
      lag: Number(lag),
      lagSeconds,
      lagSecondsIsLowerBound: appended?.isLowerBound ?? false,
      status,
    };
  }

  private trackOf(id: string, now: number): PartitionTrack {
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = { window: [], lastAdvanceMs: now };
      this.tracks.set(id, track);
    }
    return track;
  }

  private forgetVanished(snapshot: ClusterSnapshot, groups: GroupReport[]): void {
    const liveGroups = new Set(groups.map((group) => group.groupId));
    this.groupHistory.retain(liveGroups);
    const livePartitions = new Set(
      groups.flatMap((group) => group.partitions.map((p) => key(group.groupId, p.topic, p.partition))),
    );
    for (const id of this.tracks.keys()) if (!livePartitions.has(id)) this.tracks.delete(id);
    this.partitionHistory.retain(livePartitions);
    const liveTopics = new Set(
      [...snapshot.topics].flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p.partition))),
    );
    for (const id of this.logEnds.keys()) if (!liveTopics.has(id)) this.logEnds.delete(id);
  }
}
