import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { RawClient } from "./helpers/raw-client";
import { createKafka, startTestBroker } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ maxFrameBytes: 1024 * 1024 }));
});

afterAll(async () => {
  await cleanup();
});

/** Proves the broker still serves: a fresh client produces and reads back through metadata. */
async function expectBrokerServing(): Promise<void> {
  const kafka = createKafka(broker.address);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: "still-alive", messages: [{ value: "ok" }] });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  expect(await admin.listTopics()).toContain("still-alive");
  await admin.disconnect();
}

function expectClosed(client: RawClient, timeoutMs = 3_000): Promise<void> {
  return Promise.race([
    client.closed,
    new Promise<void>((_, reject) =>
      setTimeout(() => {
        reject(new Error("connection was not closed"));
      }, timeoutMs),
    ),
  ]);
}

describe("bad input on raw sockets", () => {
  it("closes a connection that sends garbage, and keeps serving others", async () => {
    const bystander = await RawClient.connect(broker.address);
    const client = await RawClient.connect(broker.address);
    const garbage = Buffer.alloc(64);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 37 + 11) & 0xff;
    garbage.writeInt32BE(60, 0);
    client.writeRaw(garbage);
    await expectClosed(client);
    const reader = await bystander.request(18, 2, () => undefined);
    expect(reader.readInt16()).toBe(0);
    bystander.close();
    await expectBrokerServing();
  });

  it("closes a connection announcing an oversized frame", async () => {
    const client = await RawClient.connect(broker.address);
    const header = Buffer.alloc(4);
    header.writeInt32BE(200 * 1024 * 1024, 0);
    client.writeRaw(header);
    await expectClosed(client);
    const negative = await RawClient.connect(broker.address);
    negative.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    await expectClosed(negative);
    await expectBrokerServing();
  });

  it("closes a connection using an unknown api key or an unsupported version", async () => {
    const unknownKey = await RawClient.connect(broker.address);
    void unknownKey.request(999, 0, () => undefined).catch(() => undefined);
    await expectClosed(unknownKey);
    const tooNew = await RawClient.connect(broker.address);
    void tooNew.request(0, 99, () => undefined).catch(() => undefined);
    await expectClosed(tooNew);
    await expectBrokerServing();
  });

  it("closes a connection whose request body is truncated", async () => {
    const client = await RawClient.connect(broker.address);
    // A Metadata v1 request claiming 1000 topics but carrying none.
    void client.request(3, 1, (w) => w.writeInt32(1000)).catch(() => undefined);
    await expectClosed(client);
    const halfHeader = await RawClient.connect(broker.address);
    halfHeader.writeRaw(Buffer.from([0, 0, 0, 3, 0, 3, 0]));
    await expectClosed(halfHeader);
    await expectBrokerServing();
  });

  it("answers requests for unknown topics with UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const client = await RawClient.connect(broker.address);
    const metadata = await client.request(3, 4, (w) => {
      w.writeArray(["no-such-topic"], (tw, name) => tw.writeString(name));
      w.writeBoolean(false);
    });
    metadata.readInt32();
    metadata.readArray((r) => [r.readInt32(), r.readString(), r.readInt32(), r.readNullableString()]);
    metadata.readNullableString();
    metadata.readInt32();
    const topics = metadata.readArray((r) => ({ errorCode: r.readInt16(), name: r.readString() }));
    expect(topics[0]).toEqual({ errorCode: 3, name: "no-such-topic" });
    client.close();
  });

  it("survives a client that disconnects in the middle of a frame", async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(Number(broker.address.split(":")[1]), "127.0.0.1", () => {
        socket.end(Buffer.from([0, 0, 1, 0, 0, 3]), () => {
          resolve();
        });
      });
    });
    await expectBrokerServing();
  });
});
