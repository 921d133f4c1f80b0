import { describe, expect, it } from "vitest";
import { Writer } from "../src/protocol/writer";
import { RawClient } from "./helpers/raw-client";
import { createKafka, startTestBroker, waitFor } from "./helpers/test-broker";

/** kafkajs' consumer-protocol subscription: version, topics, user data. */
function encodeSubscription(topics: string[]): Buffer {
  const writer = new Writer().writeInt16(0);
  writer.writeArray(topics, (w, topic) => w.writeString(topic)).writeBytes(Buffer.alloc(0));
  return writer.toFrame().subarray(4);
}

describe("session timeout", () => {
  it("drops a member that stops heartbeating and gives its partitions to the others", async () => {
    const { broker, cleanup } = await startTestBroker({ defaultPartitions: 4 });
    const kafka = createKafka(broker.address);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "expiry", numPartitions: 4 }] });
    await admin.disconnect();

    const consumer = kafka.consumer({
      groupId: "expiry-group",
      maxWaitTimeInMs: 100,
      heartbeatInterval: 200,
    });
    let assigned: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = event.payload.memberAssignment.expiry ?? [];
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ["expiry"] });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    await waitFor(() => assigned.length === 4, 10_000, "the first member to own every partition");

    // A second member that joins, is given partitions, and then goes silent.
    const silent = await RawClient.connect(broker.address);
    const joinAs = (memberId: string) =>
      silent.request(11, 5, (w) => {
        w.writeString("expiry-group").writeInt32(1_000).writeInt32(10_000).writeString(memberId);
        w.writeNullableString(null).writeString("consumer");
        w.writeArray(["RoundRobinAssigner"], (pw, name) =>
          pw.writeString(name).writeBytes(encodeSubscription(["expiry"])),
        );
      });
    const first = await joinAs("");
    first.readInt32();
    expect(first.readInt16()).toBe(79);
    first.readInt32();
    first.readString();
    first.readString();
    const memberId = first.readString();
    const joined = await joinAs(memberId);
    joined.readInt32();
    expect(joined.readInt16()).toBe(0);
    await waitFor(() => assigned.length === 2, 10_000, "the partitions to be split between two members");

    await waitFor(() => assigned.length === 4, 10_000, "the silent member's partitions to come back");
    const described = kafka.admin();
    await described.connect();
    const group = (await described.describeGroups(["expiry-group"])).groups[0];
    expect(group?.members).toHaveLength(1);
    await described.disconnect();
    silent.close();
    await consumer.disconnect();
    await cleanup();
  }, 30_000);
});
