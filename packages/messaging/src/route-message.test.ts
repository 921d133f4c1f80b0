import { encodeRecord, type ChatMessage } from "@gochat/contracts";
import { EXAMPLE_BODIES } from "@gochat/contracts/examples";
import { describe, expect, it } from "vitest";
import { batchByInstance, routeMessage, type PresenceMap } from "./route-message";

const message: ChatMessage = EXAMPLE_BODIES.persist.message;

describe("routeMessage", () => {
  const presence: PresenceMap = new Map([
    ["alice", ["gw-1"]],
    ["bob", ["gw-2"]],
    ["carol", ["gw-1", "gw-2"]],
  ]);

  it("sends a direct message once to each instance with an online participant", () => {
    const plan = routeMessage({
      message,
      groupId: undefined,
      memberCount: 2,
      superLargeThreshold: 500,
      members: ["alice", "bob"],
      presence,
    });
    expect(plan.mode).toBe("inline");
    if (plan.mode !== "inline") return;
    expect(plan.downstream.map((r) => [r.instanceId, r.body.recipients])).toEqual([
      ["gw-1", ["alice"]],
      ["gw-2", ["bob"]],
    ]);
    for (const record of plan.downstream) expect(() => encodeRecord("downstream", record.body)).not.toThrow();
  });

  it("delivers to every instance of a user with several devices and skips offline members", () => {
    const plan = routeMessage({
      message,
      groupId: "group-1",
      memberCount: 4,
      superLargeThreshold: 500,
      members: ["alice", "carol", "dave", "carol"],
      presence,
    });
    if (plan.mode !== "inline") throw new Error("expected inline delivery");
    expect(plan.downstream.map((r) => [r.instanceId, r.body.recipients])).toEqual([
      ["gw-1", ["alice", "carol"]],
      ["gw-2", ["carol"]],
    ]);
  });

  it("hands a group above the threshold to a fan-out task", () => {
    const plan = routeMessage({
      message,
      groupId: "group-big",
      memberCount: 501,
      superLargeThreshold: 500,
      members: [],
      presence,
      now: 42,
    });
    if (plan.mode !== "fanout") throw new Error("expected a fan-out task");
    expect(plan.task).toMatchObject({ group_id: "group-big", member_count: 501, created_at_ms: 42, message });
    expect(() => encodeRecord("fanout", plan.task)).not.toThrow();
    const again = routeMessage({
      message,
      groupId: "group-big",
      memberCount: 501,
      superLargeThreshold: 500,
      members: [],
      presence,
    });
    if (again.mode !== "fanout") throw new Error("expected a fan-out task");
    expect(again.task.task_id).toBe(plan.task.task_id);
  });

  it("keeps a group at exactly the threshold inline, and never fans out a direct chat", () => {
    const base = { message, members: ["alice"], presence, superLargeThreshold: 2 };
    expect(routeMessage({ ...base, groupId: "g", memberCount: 2 }).mode).toBe("inline");
    expect(routeMessage({ ...base, groupId: undefined, memberCount: 3 }).mode).toBe("inline");
  });
});

describe("batchByInstance", () => {
  it("splits a large audience into records of bounded size per instance", () => {
    const users = Array.from({ length: 1201 }, (_, i) => `u${i}`);
    const presence = new Map(users.map((u, i) => [u, [i % 2 === 0 ? "gw-a" : "gw-b"]] as const));
    const records = batchByInstance(
      users,
      presence,
      (recipients) => ({ kind: "message", recipients, message }),
      500,
    );
    expect(records.map((r) => [r.instanceId, r.body.recipients.length])).toEqual([
      ["gw-a", 500],
      ["gw-a", 101],
      ["gw-b", 500],
      ["gw-b", 100],
    ]);
    const delivered = records.flatMap((r) => r.body.recipients).sort();
    expect(delivered).toEqual([...users].sort());
  });

  it("returns nothing when nobody is online", () => {
    expect(
      batchByInstance(["x", "y"], new Map(), (recipients) => ({ kind: "message", recipients, message })),
    ).toEqual([]);
  });
});
