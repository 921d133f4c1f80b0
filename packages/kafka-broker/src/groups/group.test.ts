import { describe, expect, it } from "vitest";
import { ErrorCode } from "../protocol/error-codes";
import { clientKey, Group } from "./group";
import type { JoinRequest, JoinResult } from "./group-types";

function request(memberId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: "g",
    sessionTimeoutMs: 1_000,
    rebalanceTimeoutMs: 2_000,
    memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: Buffer.from(memberId) }],
    clientId: "client",
    clientHost: "/127.0.0.1",
    connectionId: 1,
    requiresKnownMemberId: false,
    ...overrides,
  };
}

describe("Group", () => {
  it("elects the first member leader and moves through the rebalance states", async () => {
    const group = new Group("g");
    const first: JoinResult = await group.join(request(""), 0);
    expect(first).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(first.leader).toBe(first.memberId);
    expect(group.state).toBe("CompletingRebalance");
    const synced = await group.sync(
      first.memberId,
      1,
      [{ memberId: first.memberId, assignment: Buffer.from("p0") }],
      0,
    );
    expect(synced.assignment.toString()).toBe("p0");
    expect(group.state).toBe("Stable");
  });

  it("asks v4+ clients to rejoin with a member id", () => {
    const group = new Group("g");
    const answer = group.join(request("", { requiresKnownMemberId: true }), 0);
    expect(answer).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED });
    expect(group.join(request("made-up"), 0)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  });

  it("expires a member that stops heartbeating and rebalances the rest", async () => {
    const group = new Group("g");
    const a = await group.join(request(""), 0);
    await group.sync(a.memberId, 1, [], 0);
    const bJoin = group.join(request(""), 10);
    expect(group.heartbeat(a.memberId, 1, 20)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = group.join(request(a.memberId), 30);
    const [a2, b2] = await Promise.all([aJoin, bJoin]);
    expect(a2.generationId).toBe(2);
    expect(b2.generationId).toBe(2);
    expect(a2.leader).toBe(a.memberId);
    await Promise.all([group.sync(b2.memberId, 2, [], 40), group.sync(a.memberId, 2, [], 40)]);
    expect(group.state).toBe("Stable");
    expect(group.heartbeat(a.memberId, 2, 900)).toBe(ErrorCode.NONE);
    // b stays silent past its session timeout.
    group.tick(1_200);
    expect(group.members.has(b2.memberId)).toBe(false);
    expect(group.state).toBe("PreparingRebalance");
    expect(group.heartbeat(b2.memberId, 2, 1_200)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const a3 = await group.join(request(a.memberId), 1_300);
    expect(a3).toMatchObject({ generationId: 3, leader: a.memberId });
  });

  it("lets a member whose connection closed go at once, so a restarted one joins without waiting", async () => {
    const group = new Group("g");
    const a = await group.join(request("", { connectionId: 7 }), 0);
    await group.sync(a.memberId, 1, [], 0);
    const bJoin = group.join(request("", { connectionId: 8 }), 10);
    const aJoin = group.join(request(a.memberId, { connectionId: 7 }), 20);
    const [, b] = await Promise.all([aJoin, bJoin]);
    await Promise.all([group.sync(b.memberId, 2, [], 30), group.sync(a.memberId, 2, [], 30)]);
    expect(group.state).toBe("Stable");

    // b's process is killed: its connection closes long before its session would time out.
    group.connectionClosed(8, 40);
    expect(group.members.has(b.memberId)).toBe(false);
    expect(group.state).toBe("PreparingRebalance");
    // Its replacement and the survivor make the next generation with nobody left to wait for.
    const replacement = group.join(request("", { connectionId: 9 }), 50);
    const survivor = group.join(request(a.memberId, { connectionId: 7 }), 60);
    const [r, s] = await Promise.all([replacement, survivor]);
    expect(r.generationId).toBe(3);
    expect(s.generationId).toBe(3);
    // A connection nobody joined on changes nothing.
    group.connectionClosed(99, 70);
    expect(group.members.size).toBe(2);
  });

  it("names the clients a rebalance waits for, until each has rejoined", async () => {
    const heard: (readonly string[])[] = [];
    const group = new Group("g", (clients) => heard.push(clients));
    const a = await group.join(request("", { clientId: "a" }), 0);
    await group.sync(a.memberId, 1, [], 0);
    expect(heard).toEqual([[]]);
    expect(group.awaitsRejoinFrom(clientKey("a", "/127.0.0.1"))).toBe(false);

    const bJoin = group.join(request("", { clientId: "b" }), 10);
    // b's join starts a rebalance that waits for a alone: b is in it already.
    expect(heard.at(-1)).toEqual([clientKey("a", "/127.0.0.1")]);
    expect(group.awaitsRejoinFrom(clientKey("a", "/127.0.0.1"))).toBe(true);
    expect(group.awaitsRejoinFrom(clientKey("b", "/127.0.0.1"))).toBe(false);
    const aJoin = group.join(request(a.memberId, { clientId: "a" }), 20);
    expect(group.awaitsRejoinFrom(clientKey("a", "/127.0.0.1"))).toBe(false);
    await Promise.all([aJoin, bJoin]);
    expect(heard).toHaveLength(2);
  });

  it("drops members that miss the rebalance timeout", async () => {
    const group = new Group("g");
    const a = await group.join(request(""), 0);
    await group.sync(a.memberId, 1, [], 0);
    const bJoin = group.join(request(""), 100);
    group.tick(500);
    expect(group.state).toBe("PreparingRebalance");
    group.tick(2_200);
    const b = await bJoin;
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
    expect([...group.members.keys()]).toEqual([b.memberId]);
  });

  it("becomes Empty when the last member leaves, and accepts admin commits then", async () => {
    const group = new Group("g");
    const a = await group.join(request(""), 0);
    await group.sync(a.memberId, 1, [], 0);
    expect(group.checkCommit("", -1, 0)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.leave(a.memberId, 10)).toBe(ErrorCode.NONE);
    expect(group.state).toBe("Empty");
    expect(group.checkCommit("", -1, 20)).toBe(ErrorCode.NONE);
  });

  it("refuses members whose protocols do not match the group", async () => {
    const group = new Group("g");
    await group.join(request(""), 0);
    expect(
      group.join(request("", { protocols: [{ name: "other", metadata: Buffer.alloc(0) }] }), 0),
    ).toMatchObject({
      errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    });
  });
});
