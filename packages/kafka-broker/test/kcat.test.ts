import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import { runKcat } from "./helpers/kcat";
import { createKafka, startTestBroker } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ defaultPartitions: 3 }));
});

afterAll(async () => {
  await cleanup();
});

const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

function lines(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

describe("kcat (librdkafka 2.0.2)", () => {
  it.each(CODECS)("produces with compression %s and consumes it back", async (codec) => {
    const topic = `kcat-${codec}`;
    const values = lines(50, codec);
    const produced = await runKcat(
      ["-b", broker.address, "-P", "-t", topic, "-z", codec, "-X", `compression.codec=${codec}`],
      `${values.join("\n")}\n`,
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runKcat([
      "-b",
      broker.address,
      "-C",
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-f",
      "%s\n",
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split("\n").sort()).toEqual([...values].sort());
  });

  it("produces with librdkafka's idempotent producer", async () => {
    const values = lines(200, "idempotent");
    const produced = await runKcat(
      ["-b", broker.address, "-P", "-t", "kcat-idempotent", "-X", "enable.idempotence=true", "-z", "zstd"],
      `${values.join("\n")}\n`,
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runKcat([
      "-b",
      broker.address,
      "-C",
      "-t",
      "kcat-idempotent",
      "-o",
      "beginning",
      "-e",
      "-f",
      "%s\n",
    ]);
    expect(consumed.stdout.trim().split("\n").sort()).toEqual([...values].sort());
  });

  it("lists metadata with -L", async () => {
    await runKcat(["-b", broker.address, "-P", "-t", "kcat-metadata"], "one\n");
    const listed = await runKcat(["-b", broker.address, "-L", "-t", "kcat-metadata"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`broker 1 at ${broker.address} (controller)`);
    expect(listed.stdout).toContain('topic "kcat-metadata" with 3 partitions');
  });

  it("consumes as a balanced group member with -G and commits its offsets", async () => {
    const values = lines(90, "grouped");
    await runKcat(
      ["-b", broker.address, "-P", "-t", "kcat-group-topic", "-z", "lz4"],
      `${values.join("\n")}\n`,
    );
    const consumed = await runKcat(
      [
        "-b",
        broker.address,
        "-G",
        "kcat-group",
        "kcat-group-topic",
        "-o",
        "beginning",
        "-e",
        "-f",
        "%s\n",
        "-X",
        "enable.auto.commit=true",
      ],
      undefined,
      30_000,
    );
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split("\n").sort()).toEqual([...values].sort());
    const admin = createKafka(broker.address).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: "kcat-group", topics: ["kcat-group-topic"] });
    const ends = await admin.fetchTopicOffsets("kcat-group-topic");
    await admin.disconnect();
    // librdkafka's sticky partitioner may leave partitions empty; those have nothing to commit.
    for (const end of ends.filter((partition) => partition.high !== "0")) {
      expect(offsets[0]?.partitions.find((p) => p.partition === end.partition)?.offset).toBe(end.high);
    }
    expect(ends.reduce((total, p) => total + Number(p.high), 0)).toBe(90);
  });

  it("reads with kcat what kafkajs produced, and the other way round", async () => {
    const kafka = createKafka(broker.address);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "cross-client",
      messages: lines(20, "from-kafkajs").map((value) => ({ value })),
    });
    await producer.disconnect();
    await runKcat(
      ["-b", broker.address, "-P", "-t", "cross-client", "-z", "gzip"],
      `${lines(20, "from-kcat").join("\n")}\n`,
    );
    const consumed = await runKcat([
      "-b",
      broker.address,
      "-C",
      "-t",
      "cross-client",
      "-o",
      "beginning",
      "-e",
      "-f",
      "%s\n",
    ]);
    expect(consumed.stdout.trim().split("\n").sort()).toEqual(
      [...lines(20, "from-kafkajs"), ...lines(20, "from-kcat")].sort(),
    );
    const consumer = kafka.consumer({ groupId: "cross-client-group", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["cross-client"], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message.value?.toString() ?? "");
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + 10_000;
    while (seen.length < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await consumer.disconnect();
    expect(seen.sort()).toEqual([...lines(20, "from-kafkajs"), ...lines(20, "from-kcat")].sort());
  });

  it("refuses librdkafka's transactional producer as unsupported", async () => {
    const produced = await runKcat(
      ["-b", broker.address, "-P", "-t", "kcat-transactional", "-X", "transactional.id=kcat-tx"],
      "never written\n",
      30_000,
    );
    expect(produced.code).not.toBe(0);
    expect(produced.stderr).toMatch(/init_transactions\(\).*API version not supported/);
  });
});
