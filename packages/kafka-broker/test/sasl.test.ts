import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { createKafka, startTestBroker } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ saslUsers: { gochat: "right-password" } }));
});

afterAll(async () => {
  await cleanup();
});

const client = (sasl?: { username: string; password: string }) =>
  createKafka(broker.address, {
    retry: { retries: 0 },
    ...(sasl === undefined ? {} : { sasl: { mechanism: "plain", ...sasl } }),
  });

describe("SASL/PLAIN", () => {
  it("serves a client that authenticates, end to end", async () => {
    const kafka = client({ username: "gochat", password: "right-password" });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "sasl-topic", messages: [{ value: "hello" }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: "sasl-group", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["sasl-topic"], fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve(message.value?.toString() ?? "");
        },
      });
    });
    expect(value).toBe("hello");
    await consumer.disconnect();
  });

  it("refuses a wrong password and an unknown user", async () => {
    for (const credentials of [
      { username: "gochat", password: "wrong-password" },
      { username: "nobody", password: "right-password" },
    ]) {
      const producer = client(credentials).producer();
      await expect(producer.connect()).rejects.toMatchObject({ name: "KafkaJSSASLAuthenticationError" });
    }
  });

  it("serves nothing to a client that does not authenticate", async () => {
    const admin = client().admin();
    await admin.connect();
    await expect(admin.listTopics()).rejects.toThrow();
    await admin.disconnect();
  });
});
