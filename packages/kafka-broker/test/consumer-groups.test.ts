import type { Consumer, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { createKafka, startTestBroker, waitFor } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;
let kafka: Kafka;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ defaultPartitions: 6 }));
  kafka = createKafka(broker.address);
});

afterAll(async () => {
  await cleanup();
});

interface Member {
  consumer: Consumer;
  assigned: number[];
}

async function startMember(groupId: string, topic: string, seen: Map<string, number>): Promise<Member> {
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 6_000,
    heartbeatInterval: 300,
    rebalanceTimeout: 5_000,
  });
  const member: Member = { consumer, assigned: [] };
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    member.assigned = event.payload.memberAssignment[topic] ?? [];
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const value = message.value?.toString() ?? "";
      seen.set(value, (seen.get(value) ?? 0) + 1);
      return Promise.resolve();
    },
  });
  return member;
}

describe("consumer groups with kafkajs", () => {
  it("rebalances three consumers as they come and go, consuming every message", async () => {
    const topic = "group-work";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const producer = kafka.producer();
    await producer.connect();
    const seen = new Map<string, number>();
    let sent = 0;
    const produce = async (count: number) => {
      const messages = Array.from({ length: count }, () => ({ value: `m-${sent++}` }));
      await producer.send({ topic, messages });
    };

    const first = await startMember("workers", topic, seen);
    await produce(300);
    await waitFor(() => seen.size === sent, 15_000, "first member to consume");
    expect([...first.assigned].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const second = await startMember("workers", topic, seen);
    const third = await startMember("workers", topic, seen);
    await waitFor(
      () =>
        first.assigned.length + second.assigned.length + third.assigned.length === 6 &&
        third.assigned.length > 0 &&
        second.assigned.length > 0 &&
        first.assigned.length > 0,
      20_000,
      "three-way assignment",
    );
    const all = [...first.assigned, ...second.assigned, ...third.assigned].sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
    await produce(300);
    await waitFor(() => seen.size === sent, 15_000, "three members to consume");

    const described = await admin.describeGroups(["workers"]);
    expect(described.groups[0]?.state).toBe("Stable");
    expect(described.groups[0]?.members).toHaveLength(3);

    await third.consumer.disconnect();
    await waitFor(
      () => first.assigned.length + second.assigned.length === 6,
      20_000,
      "reassignment after a member left",
    );
    await produce(300);
    await waitFor(() => seen.size === sent, 15_000, "two members to consume");

    await second.consumer.disconnect();
    await first.consumer.disconnect();
    expect(seen.size).toBe(900);
    const offsets = await admin.fetchOffsets({ groupId: "workers", topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((total, p) => total + Number(p.offset), 0);
    expect(committed).toBe(900);
    await producer.disconnect();
    await admin.disconnect();
  }, 60_000);

  it("has a member parked in a long fetch rejoin at once when another joins", async () => {
    const topic = "parked-fetch";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const start = async () => {
      // An idle member's fetch waits 5 s: a member would otherwise hear of the rebalance only then.
      const consumer = kafka.consumer({
        groupId: "parked",
        maxWaitTimeInMs: 5_000,
        sessionTimeout: 30_000,
        heartbeatInterval: 100,
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: () => Promise.resolve() });
      return consumer;
    };
    const first = await start();
    // Let the first member settle into its parked fetch.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const joinStarted = performance.now();
    const second = await start();
    expect(performance.now() - joinStarted).toBeLessThan(2_000);
    await second.disconnect();
    await first.disconnect();
  }, 30_000);

  it("resolves a regex subscription against existing topics", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ["regex.downstream.a", "regex.downstream.b", "regex.other"].map((topic) => ({
        topic,
        numPartitions: 2,
      })),
    });
    const producer = kafka.producer();
    await producer.connect();
    for (const topic of ["regex.downstream.a", "regex.downstream.b", "regex.other"]) {
      await producer.send({ topic, messages: [{ value: topic }] });
    }
    const consumer = kafka.consumer({ groupId: "regex-group", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [/regex\.downstream\..*/], fromBeginning: true });
    const topics: string[] = [];
    await consumer.run({
      eachMessage: ({ topic }) => {
        topics.push(topic);
        return Promise.resolve();
      },
    });
    await waitFor(() => topics.length >= 2, 10_000, "regex-matched messages");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(topics.sort()).toEqual(["regex.downstream.a", "regex.downstream.b"]);
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });
});
