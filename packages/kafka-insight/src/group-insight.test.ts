import { describe, expect, it } from "vitest";
import type { ClusterSnapshot, GroupSnapshot } from "./cluster-snapshot";
import { GroupInsight } from "./group-insight";
import { findOrphanedDownstreamTopics } from "./orphaned-topics";

function snapshot(
  atMs: number,
  logEnd: number,
  group: Partial<GroupSnapshot> & { offset: number | null },
): ClusterSnapshot {
  return {
    atMs,
    topics: new Map([["t", [{ partition: 0, logStartOffset: 0n, logEndOffset: BigInt(logEnd) }]]]),
    groups: [
      {
        groupId: "g",
        state: group.state ?? "Stable",
        protocolType: "consumer",
        members: group.members ?? [
          { memberId: "m1", clientId: "c1", host: "/127.0.0.1", assignment: { t: [0] } },
        ],
        committed: [
          { topic: "t", partition: 0, offset: group.offset === null ? null : BigInt(group.offset) },
        ],
      },
    ],
  };
}

describe("group insight", () => {
  it("reports lag in records and in seconds, interpolated over the sampled log end", () => {
    const insight = new GroupInsight({ windowSize: 3 });
    insight.observe(snapshot(0, 0, { offset: 0 }));
    insight.observe(snapshot(10_000, 100, { offset: 0 }));
    const report = insight.observe(snapshot(20_000, 100, { offset: 50 }));
    const [p] = report.groups[0]?.partitions ?? [];
    expect(p).toMatchObject({ committedOffset: "50", lag: 50, lagSecondsIsLowerBound: false });
    // Offset 50 was appended halfway between 0 s and 10 s.
    expect(p?.lagSeconds).toBe(15);
    expect(p?.owner).toMatchObject({ clientId: "c1" });
    expect(report.groups[0]).toMatchObject({ totalLag: 50, maxLagSeconds: 15, status: "OK" });
  });

  it("shows no commit yet as such, not as lag", () => {
    const report = new GroupInsight().observe(snapshot(0, 500, { offset: null }));
    expect(report.groups[0]).toMatchObject({ totalLag: 0, maxLagSeconds: null, uncommittedPartitions: 1 });
    expect(report.groups[0]?.partitions[0]).toMatchObject({
      committedOffset: null,
      lag: null,
      lagSeconds: null,
    });
  });

  it("keeps lag history for its retention period only", () => {
    const insight = new GroupInsight({ historyRetentionMs: 25_000 });
    for (let i = 0; i < 5; i++) insight.observe(snapshot(i * 10_000, 10 * i, { offset: 0 }));
    expect(insight.history("g").map((point) => point.lag)).toEqual([20, 30, 40]);
    expect(insight.historyOfPartition("g", "t", 0).map((point) => point.atMs)).toEqual([
      20_000, 30_000, 40_000,
    ]);
    expect(insight.history("g", 35_000)).toHaveLength(1);
  });

  it("moves a group to STOP when its members leave with records waiting, and forgets deleted groups", () => {
    const insight = new GroupInsight({ windowSize: 2 });
    insight.observe(snapshot(0, 10, { offset: 10 }));
    expect(
      insight.observe(snapshot(1_000, 20, { offset: 10, members: [], state: "Empty" })).groups[0]?.status,
    ).toBe("STOP");
    insight.observe({ atMs: 2_000, topics: new Map(), groups: [] });
    expect(insight.history("g")).toEqual([]);
  });

  it("flags a downstream topic whose gateway is gone as orphaned", () => {
    const insight = new GroupInsight();
    const report = insight.observe({
      atMs: 0,
      topics: new Map([
        ["gochat.messages.downstream.gw-1", [{ partition: 0, logStartOffset: 0n, logEndOffset: 5n }]],
        ["gochat.messages.downstream.gw-9", [{ partition: 0, logStartOffset: 0n, logEndOffset: 7n }]],
      ]),
      groups: [
        {
          groupId: "gateway.downstream.group.gw-1",
          state: "Stable",
          protocolType: "consumer",
          members: [{ memberId: "m", clientId: "gw-1", host: "/h", assignment: {} }],
          committed: [{ topic: "gochat.messages.downstream.gw-1", partition: 0, offset: 5n }],
        },
        {
          groupId: "gateway.downstream.group.gw-9",
          state: "Empty",
          protocolType: "consumer",
          members: [],
          committed: [{ topic: "gochat.messages.downstream.gw-9", partition: 0, offset: 4n }],
        },
      ],
    });
    expect(findOrphanedDownstreamTopics(report)).toEqual([
      { topic: "gochat.messages.downstream.gw-9", instanceId: "gw-9", groupState: "Empty", unreadRecords: 3 },
    ]);
    expect(findOrphanedDownstreamTopics(report, new Set(["gw-9"]))).toEqual([]);
  });
});
