import { describe, expect, it } from "vitest";
import { CONSUMER_GROUPS, gatewayDownstreamGroup } from "./consumer-groups";
import {
  DOMAIN_EVENT_TOPIC_PATTERN,
  DOWNSTREAM_TOPIC_PATTERN,
  downstreamTopic,
  instanceIdOfDownstreamTopic,
  TOPICS,
  topicIdOf,
} from "./topics";

describe("the catalogue matches the seed", () => {
  it("names every topic of the seed exactly", () => {
    const seedTopics = Object.values(TOPICS)
      .filter((spec) => spec.inSeed)
      .map((spec) => spec.name)
      .sort();
    expect(seedTopics).toEqual(
      [
        "gochat.messages.upstream",
        "gochat.messages.downstream.{instanceID}",
        "gochat.tasks.fanout",
        "gochat.messages.persist",
        "gochat.user-events",
        "gochat.message-events",
        "gochat.notifications",
      ].sort(),
    );
  });

  it("names every consumer group of the seed's section 4 exactly", () => {
    const seedGroups = Object.values(CONSUMER_GROUPS)
      .filter((group) => group.inSeed)
      .map((group) => group.name)
      .sort();
    expect(seedGroups).toEqual(
      [
        "logic.upstream.group",
        "gateway.downstream.group.{instanceID}",
        "task.persist.group",
        "task.fanout.group",
        "analytics.events.group",
      ].sort(),
    );
  });

  it("gives producers and consumers as the seed assigns them", () => {
    // The seed's producer, plus im-repo for actions taken through its API (see ARCHITECTURE.md).
    expect(TOPICS.upstream.producers).toEqual(["im-gateway", "im-repo"]);
    expect(TOPICS.upstream.consumerGroups).toEqual(["logicUpstream"]);
    expect(TOPICS.fanout.consumerGroups).toEqual(["taskFanout"]);
    expect(TOPICS.persist.consumerGroups).toEqual(["taskPersist", "analyticsEvents"]);
    expect(TOPICS.downstream.consumerGroups).toContain("gatewayDownstream");
    expect(TOPICS.userEvents.consumerGroups).toContain("analyticsEvents");
    expect(TOPICS.messageEvents.consumerGroups).toContain("analyticsEvents");
    expect(TOPICS.notifications.producers).toEqual(["im-logic"]);
    expect(TOPICS.userEvents.producers).toEqual(["im-gateway", "im-repo"]);
  });

  it("refers only to consumer groups it defines", () => {
    for (const spec of Object.values(TOPICS)) {
      for (const group of spec.consumerGroups) expect(CONSUMER_GROUPS).toHaveProperty(group);
    }
  });
});

describe("per-instance names", () => {
  it("builds the downstream topic and group of an instance", () => {
    expect(downstreamTopic("gw-1")).toBe("gochat.messages.downstream.gw-1");
    expect(gatewayDownstreamGroup("gw-1")).toBe("gateway.downstream.group.gw-1");
    expect(instanceIdOfDownstreamTopic("gochat.messages.downstream.gw-1")).toBe("gw-1");
    expect(topicIdOf("gochat.messages.downstream.gw-1")).toBe("downstream");
  });

  it("refuses instance ids that are not legal in a topic name or would make it ambiguous", () => {
    for (const bad of ["", "gw.1", "gw/1", "gw 1", "x".repeat(65)]) {
      expect(() => downstreamTopic(bad)).toThrow();
      expect(() => gatewayDownstreamGroup(bad)).toThrow();
    }
  });

  it("matches downstream and domain-event topics by pattern, and nothing else", () => {
    expect(DOWNSTREAM_TOPIC_PATTERN.test("gochat.messages.downstream.gw-1")).toBe(true);
    expect(DOWNSTREAM_TOPIC_PATTERN.test("gochat.messages.upstream")).toBe(false);
    expect(DOWNSTREAM_TOPIC_PATTERN.test("gochat.messages.downstream.")).toBe(false);
    const eventTopics = Object.values(TOPICS)
      .map((spec) => spec.name)
      .filter((name) => DOMAIN_EVENT_TOPIC_PATTERN.test(name));
    expect(eventTopics.sort()).toEqual([
      "gochat.message-events",
      "gochat.notification-events",
      "gochat.user-events",
    ]);
    expect(DOMAIN_EVENT_TOPIC_PATTERN.test("gochat.audit-events")).toBe(true);
  });
});
