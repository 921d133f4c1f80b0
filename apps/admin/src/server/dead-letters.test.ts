import { encodeRecord, TOPICS } from "@gochat/contracts";
import { EXAMPLE_BODIES } from "@gochat/contracts/examples";
import { browseRecords, REPLAYED_FROM_HEADER } from "@gochat/kafka-insight";
import {
  createKafkaClient,
  createLogger,
  createProducer,
  startConsumer,
  type ConsumedRecord,
  type RunningConsumer,
} from "@gochat/service-kit";
import type { Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsole, type ConsoleCaller, type TestConsole } from "../../test/console-fixture";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const FANOUT = TOPICS.fanout.name;

let stack: TestConsole;
let kafka: Kafka;
let producer: Producer;
let deadLetterProducer: Producer;
let consumer: RunningConsumer;
let admin: ConsoleCaller;
/** The fan-out consumer's handler fails like a bug until it is "fixed". */
let isHandlerBroken = true;
const handled: ConsumedRecord[] = [];
const fanoutBody = EXAMPLE_BODIES.fanout;
const fanoutRecord = encodeRecord("fanout", fanoutBody);

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Listed = Awaited<ReturnType<ConsoleCaller["deadLetters"]["list"]>>;
type Entry = Listed["entries"][number];

async function listWith(count: number, includeRaw = false): Promise<Listed> {
  return until(`${count} dead letters`, async () => {
    const listed = await admin.deadLetters.list({ includeRaw });
    return listed.entries.length >= count ? listed : undefined;
  });
}

function find(listed: Listed, test: (entry: Entry) => boolean): Entry {
  const entry = listed.entries.find(test);
  if (entry === undefined) throw new Error("no such dead letter listed");
  return entry;
}

/** A refused call's tRPC code and message. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error("the call succeeded");
}

const handlerFailed = (entry: Entry) => entry.letter?.reason_code === "HANDLER_FAILED";
const badJson = (entry: Entry) => entry.letter?.reason_code === "MALFORMED_JSON";
const at = (entry: Entry) => ({ partition: entry.partition, offset: entry.offset });

beforeAll(async () => {
  stack = await startTestConsole();
  const logger = createLogger({ service: "test", level: "silent" });
  kafka = createKafkaClient({ brokers: stack.broker.brokers, clientId: "dead-letter-test", logger });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.createTopics({
    topics: [
      { topic: FANOUT, numPartitions: 2 },
      { topic: TOPICS.deadLetter.name, numPartitions: 1 },
    ],
  });
  await kafkaAdmin.disconnect();
  producer = createProducer(kafka);
  deadLetterProducer = createProducer(kafka);
  await producer.connect();
  await deadLetterProducer.connect();
  // im-task's fan-out group, run by the same consumer loop: what it cannot handle it dead-letters.
  consumer = await startConsumer({
    kafka,
    groupId: "task.fanout.group",
    subscription: { topics: [FANOUT] },
    deadLetterProducer,
    logger,
    maxAttempts: 1,
    handle: (record) => {
      if (isHandlerBroken) return Promise.reject(new TypeError("cannot read properties of undefined"));
      handled.push(record);
      return Promise.resolve();
    },
  });
  await producer.send({
    topic: FANOUT,
    messages: [{ ...fanoutRecord, partition: 1, headers: { traceparent: TRACEPARENT } }],
  });
  await producer.send({ topic: FANOUT, messages: [{ key: "k-bad", value: "{not json", partition: 0 }] });
  await producer.send({
    topic: TOPICS.deadLetter.name,
    messages: [
      { value: "this is not a dead letter" },
      { value: JSON.stringify({ version: 1, source_topic: "" }) },
    ],
  });
  admin = await stack.signedInAdmin();
}, 60_000);

afterAll(async () => {
  await consumer.stop();
  await producer.disconnect();
  await deadLetterProducer.disconnect();
  await stack.stop();
});

describe("the dead letters page's server side", () => {
  it("lists dead letters newest first, decoded, with malformed ones shown as such", async () => {
    const listed = await listWith(4, true);
    expect(listed.stoppedBy).toBe("end");
    const times = listed.entries.map((entry) => entry.timestampMs);
    expect(times).toEqual(times.toSorted((a, b) => b - a));

    const failed = find(listed, handlerFailed);
    expect(failed.letter).toMatchObject({
      source_topic: FANOUT,
      source_partition: 1,
      consumer_group: "task.fanout.group",
    });
    expect(failed.letter?.reason).toMatch(/cannot read properties of undefined/);
    expect(failed.originalKey).toBe(fanoutRecord.key);
    expect(failed.original?.decoded).toEqual({ topicId: "fanout", version: 1, value: fanoutBody });
    expect(failed.original?.rawBase64).toBe(fanoutRecord.value.toString("base64"));
    expect(failed.state).toEqual({ kind: "new" });

    const undecodable = find(listed, badJson);
    expect(undecodable.original?.decodeError).toMatch(/^MALFORMED_JSON/);
    expect(undecodable.original?.rawBase64).toBe(Buffer.from("{not json").toString("base64"));

    const malformed = listed.entries.filter((entry) => entry.letter === null);
    expect(malformed.map((entry) => entry.malformed?.split(":")[0]).toSorted()).toEqual([
      "MALFORMED_JSON",
      "SCHEMA_MISMATCH",
    ]);
    expect(malformed.map((entry) => entry.rawBase64)).toContain(
      Buffer.from("this is not a dead letter").toString("base64"),
    );
    // Raw bytes only on demand.
    expect(
      (await admin.deadLetters.list({})).entries.every((entry) => entry.original?.rawBase64 === undefined),
    ).toBe(true);
  });

  it("shows the original's headers and trace from its source topic", async () => {
    const failed = find(await listWith(4), handlerFailed);
    const original = await admin.deadLetters.original(at(failed));
    expect(original).toMatchObject({ partition: 1, traceparent: TRACEPARENT, key: fanoutRecord.key });
  });

  it("replays the original back onto its source topic exactly once, even when asked twice at once", async () => {
    const failed = find(await listWith(4), handlerFailed);
    isHandlerBroken = false;
    const outcomes = await Promise.allSettled([
      admin.deadLetters.replay(at(failed)),
      admin.deadLetters.replay(at(failed)),
    ]);
    const replayed = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(replayed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toMatchObject({ code: "CONFLICT" });
    expect(replayed[0]?.value).toMatchObject({
      topic: FANOUT,
      headersFrom: "source",
      state: { kind: "replayed", by: "root" },
    });

    const marker = `${TOPICS.deadLetter.name}/${failed.partition}/${failed.offset}`;
    const received = await until("the replayed record", () => Promise.resolve(handled[0]));
    expect(received).toMatchObject({ topic: FANOUT, partition: 1, key: fanoutRecord.key, value: fanoutBody });
    expect(received.headers.traceparent?.toString()).toBe(TRACEPARENT);
    expect(received.headers[REPLAYED_FROM_HEADER]?.toString()).toBe(marker);

    const onTopic = await browseRecords(kafka, {
      topic: FANOUT,
      start: { from: "oldest" },
      filter: { header: { name: REPLAYED_FROM_HEADER } },
      includeRaw: true,
    });
    expect(onTopic.records).toHaveLength(1);
    expect(onTopic.records[0]).toMatchObject({
      partition: 1,
      key: fanoutRecord.key,
      rawBase64: fanoutRecord.value.toString("base64"),
      headers: { traceparent: TRACEPARENT, [REPLAYED_FROM_HEADER]: marker },
    });

    const again = await refusal(admin.deadLetters.replay(at(failed)));
    expect(again.code).toBe("CONFLICT");
    expect(again.message.startsWith(`dead letter ${marker} was already replayed by root at `)).toBe(true);
    const state = find(await admin.deadLetters.list({}), handlerFailed).state;
    expect(state).toMatchObject({ kind: "replayed", by: "root", replayedOffset: onTopic.records[0]?.offset });
    expect(handled).toHaveLength(1);
  });

  it("discards a dead letter, malformed ones too, and replays neither afterwards", async () => {
    const listed = await listWith(4);
    const undecodable = find(listed, badJson);
    expect((await admin.deadLetters.discard(at(undecodable))).state).toMatchObject({
      kind: "discarded",
      by: "root",
    });
    const afterDiscard = await refusal(admin.deadLetters.replay(at(undecodable)));
    expect(afterDiscard.code).toBe("CONFLICT");
    expect(afterDiscard.message).toMatch(/was already discarded by root/);

    const [first, second] = listed.entries.filter((entry) => entry.letter === null);
    if (first === undefined || second === undefined) throw new Error("two malformed dead letters expected");
    const ofMalformed = await refusal(admin.deadLetters.replay(at(first)));
    expect(ofMalformed.code).toBe("BAD_REQUEST");
    expect(ofMalformed.message).toMatch(/does not decode .*it can only be discarded/);
    await admin.deadLetters.discard(at(second));
    const states = (await admin.deadLetters.list({})).entries.map((entry) => entry.state.kind).toSorted();
    expect(states).toEqual(["discarded", "discarded", "new", "replayed"]);
    await expect(admin.deadLetters.discard({ partition: 0, offset: "999" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("writes replays and discards to the audit log under the admin", async () => {
    const listed = await listWith(4);
    const failed = find(listed, handlerFailed);
    const entries = await admin.audit.list({});
    expect(entries.find((entry) => entry.action === "dead-letter.replayed")).toMatchObject({
      actorName: "root",
      target: `${TOPICS.deadLetter.name}/${failed.partition}/${failed.offset}`,
      details: {
        sourceTopic: FANOUT,
        sourcePartition: 1,
        consumerGroup: "task.fanout.group",
        reasonCode: "HANDLER_FAILED",
        headers: "source",
      },
    });
    expect(entries.filter((entry) => entry.action === "dead-letter.discarded")).toHaveLength(2);
  });

  it("keeps what was done across a restart of the console's Kafka side", async () => {
    await stack.stopKafka();
    const states = (await (await stack.signedInAdmin()).deadLetters.list({})).entries.map(
      (e) => e.state.kind,
    );
    expect(states.toSorted()).toEqual(["discarded", "discarded", "new", "replayed"]);
  });

  it("answers FORBIDDEN to a user and refuses bad input", async () => {
    const user = await stack.signedInUser();
    const some = { partition: 0, offset: "0" };
    await expect(user.deadLetters.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(user.deadLetters.original(some)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(user.deadLetters.replay(some)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(user.deadLetters.discard(some)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.deadLetters.replay({ partition: 0, offset: "-1" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(admin.deadLetters.list({ perPartition: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
