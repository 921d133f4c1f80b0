import { spawnSync } from "node:child_process";
import { closeSync, openSync, rmSync, statfsSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startBroker, type Broker } from "../src/index";
import { ErrorCode } from "../src/protocol/error-codes";
import { RawClient } from "./helpers/raw-client";
import { createKafka, makeTempDir, removeDir } from "./helpers/test-broker";

// A real full disk: the data directory on a 4 MB tmpfs of its own, filled to the last byte. Mounting needs
// root (as the CI machines run); elsewhere this one test cannot make a disk full and says so.
const mountPoint = makeTempDir("kafka-broker-full-disk-");
const canMount =
  spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint], { encoding: "utf8" }).status ===
  0;
const filler = join(mountPoint, "filler");
const PAGE = 4096;
const warnings: string[] = [];
let broker: Broker | undefined;

function fillDisk(): void {
  const fd = openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      const stats = statfsSync(mountPoint);
      writeSync(fd, chunk, 0, Math.min(chunk.length, Math.max(1, stats.bavail * stats.bsize)));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

const start = () =>
  startBroker({ port: 0, dataDir: join(mountPoint, "data") }, { warn: (message) => warnings.push(message) });

beforeAll(async () => {
  if (canMount) broker = await start();
});

afterAll(async () => {
  await broker?.stop();
  if (canMount) spawnSync("umount", ["-l", mountPoint]);
  removeDir(mountPoint);
});

it.skipIf(!canMount)(
  "answers KAFKA_STORAGE_ERROR while its disk is full, keeps serving reads, and takes writes again once there is room",
  async () => {
    if (broker === undefined) throw new Error("no broker");
    const kafka = createKafka(broker.address, { retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: "chat", numPartitions: 1 },
        { topic: "other", numPartitions: 1 },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "chat", messages: ["one", "two", "three"].map((value) => ({ value })) });
    // Commits as a client outside any generation does (OffsetCommit v2), so that every refusal is seen.
    const raw = await RawClient.connect(broker.address);
    const commit = async (offset: bigint, group = "readers") => {
      const reader = await raw.request(8, 2, (w) => {
        w.writeString(group).writeInt32(-1).writeString("").writeInt64(-1n);
        w.writeArray(["chat"], (tw, name) => {
          tw.writeString(name).writeArray([0], (pw) =>
            pw.writeInt32(0).writeInt64(offset).writeNullableString(null),
          );
        });
      });
      reader.readInt32();
      reader.readString();
      reader.readInt32();
      reader.readInt32();
      return reader.readInt16();
    };
    const committed = async () =>
      (await admin.fetchOffsets({ groupId: "readers", topics: ["chat"] }))[0]?.partitions[0]?.offset;
    expect(await commit(1n)).toBe(ErrorCode.NONE);

    // A file's last page takes small writes on a full disk, as a block does on a real one: the record is
    // larger than a page, and the offsets file is topped up to a page boundary first.
    const offsetsFile = join(mountPoint, "data", "groups", "offsets.log");
    const lineOf = (group: string) =>
      `${JSON.stringify({ group, topic: "chat", partition: 0, offset: "2", metadata: null })}\n`.length;
    const room = PAGE - (statSync(offsetsFile).size % PAGE);
    const groupLength = room - lineOf("") >= 1 ? room - lineOf("") : room + PAGE - lineOf("");
    expect(await commit(2n, "g".repeat(groupLength))).toBe(ErrorCode.NONE);
    expect(statSync(offsetsFile).size % PAGE).toBe(0);
    fillDisk();
    await expect(
      producer.send({ topic: "chat", messages: [{ value: "x".repeat(4 * PAGE) }] }),
    ).rejects.toMatchObject({
      // Retriable: kafkajs gives up only because this producer was told to retry nothing.
      cause: { type: "KAFKA_STORAGE_ERROR", retriable: true },
    });
    expect(await commit(3n)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    // Reads go on: what was written is there, and the refused commit left the previous offset.
    expect((await admin.fetchTopicOffsets("chat"))[0]?.high).toBe("3");
    expect(await committed()).toBe("1");
    expect(warnings.filter((w) => w.includes("refuses writes"))).toHaveLength(1);

    rmSync(filler);
    await producer.send({ topic: "chat", messages: [{ value: "four" }] });
    expect(await commit(4n)).toBe(ErrorCode.NONE);
    expect(await committed()).toBe("4");
    // Recovery is declared once writes have gone through for a second with none refused.
    while (!warnings.some((w) => w.includes("takes writes again"))) {
      await producer.send({ topic: "other", messages: [{ value: "after" }] });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(warnings.filter((w) => w.includes("takes writes again"))).toHaveLength(1);
    raw.close();
    await producer.disconnect();
    await admin.disconnect();

    // After a restart on the same directory nothing refused is there and nothing accepted is missing.
    await broker.stop();
    broker = await start();
    const again = createKafka(broker.address, { retry: { retries: 0 } });
    const consumer = again.consumer({ groupId: "check" });
    await consumer.connect();
    await consumer.subscribe({ topic: "chat", fromBeginning: true });
    const values: string[] = [];
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? "");
          if (values.length === 4) resolve();
        },
      });
    });
    await all;
    await consumer.disconnect();
    expect(values).toEqual(["one", "two", "three", "four"]);
    const checkAdmin = createKafka(broker.address).admin();
    await checkAdmin.connect();
    expect(
      (await checkAdmin.fetchOffsets({ groupId: "readers", topics: ["chat"] }))[0]?.partitions[0]?.offset,
    ).toBe("4");
    await checkAdmin.disconnect();
  },
  60_000,
);
