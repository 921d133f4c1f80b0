import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { createKafka, startTestBroker } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ maxBatchBytes: 64 * 1024 }));
});

afterAll(async () => {
  await cleanup();
});

describe("broker limits", () => {
  it("listens on loopback unless told otherwise", () => {
    expect(broker.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("refuses a record batch over the limit with MESSAGE_TOO_LARGE and writes none of it", async () => {
    const kafka = createKafka(broker.address, { retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "big", numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await expect(
      producer.send({ topic: "big", messages: [{ value: "x".repeat(70 * 1024) }] }),
    ).rejects.toMatchObject({ type: "MESSAGE_TOO_LARGE" });
    await expect(
      producer.send({
        topic: "big",
        messages: Array.from({ length: 20 }, () => ({ value: "y".repeat(4 * 1024) })),
      }),
    ).rejects.toMatchObject({ type: "MESSAGE_TOO_LARGE" });
    expect((await admin.fetchTopicOffsets("big"))[0]?.high).toBe("0");
    await producer.send({ topic: "big", messages: [{ value: "z".repeat(60 * 1024) }] });
    expect((await admin.fetchTopicOffsets("big"))[0]?.high).toBe("1");
    await producer.disconnect();
    await admin.disconnect();
  });
});
