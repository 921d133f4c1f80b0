import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Broker } from "../src/index";
import type { Reader } from "../src/protocol/reader";
import { buildRecordBatch } from "./helpers/record-batch-builder";
import { RawClient } from "./helpers/raw-client";
import { startTestBroker } from "./helpers/test-broker";

let broker: Broker;
let cleanup: () => Promise<void>;
let client: RawClient;

beforeAll(async () => {
  ({ broker, cleanup } = await startTestBroker({ defaultPartitions: 1 }));
  client = await RawClient.connect(broker.address);
  await client.request(19, 2, (w) => {
    w.writeArray(["raw"], (tw, name) => {
      tw.writeString(name).writeInt32(1).writeInt16(1).writeInt32(0).writeInt32(0);
    });
    w.writeInt32(1000).writeBoolean(false);
  });
});

afterAll(async () => {
  client.close();
  await cleanup();
});

async function produce(batch: Buffer): Promise<{ errorCode: number; baseOffset: bigint }> {
  const reader = await client.request(0, 7, (w) => {
    w.writeNullableString(null).writeInt16(-1).writeInt32(5000);
    w.writeArray(["raw"], (tw, name) => {
      tw.writeString(name).writeArray([0], (pw) => pw.writeInt32(0).writeBytes(batch));
    });
  });
  reader.readInt32();
  reader.readString();
  reader.readInt32();
  reader.readInt32();
  return { errorCode: reader.readInt16(), baseOffset: reader.readInt64() };
}

function fetch(options: {
  offset: bigint;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
}) {
  return client.request(1, 11, (w) => {
    w.writeInt32(-1).writeInt32(options.maxWaitMs).writeInt32(options.minBytes).writeInt32(options.maxBytes);
    w.writeInt8(1).writeInt32(0).writeInt32(-1);
    w.writeArray(["raw"], (tw, name) => {
      tw.writeString(name).writeArray([0], (pw) => {
        pw.writeInt32(0)
          .writeInt32(-1)
          .writeInt64(options.offset)
          .writeInt64(-1n)
          .writeInt32(options.partitionMaxBytes);
      });
    });
    w.writeArray([], () => undefined).writeString("");
  });
}

/** Reads a one-partition Fetch v11 response down to its record bytes. */
function readFetch(reader: Reader) {
  reader.readInt32();
  const topLevelError = reader.readInt16();
  reader.readInt32();
  reader.readInt32();
  reader.readString();
  reader.readInt32();
  reader.readInt32();
  const errorCode = reader.readInt16();
  const highWatermark = reader.readInt64();
  reader.readInt64();
  reader.readInt64();
  reader.readArray((r) => [r.readInt64(), r.readInt64()]);
  reader.readInt32();
  const records = reader.readBytes();
  return { topLevelError, errorCode, highWatermark, records };
}

function readJoin(reader: Reader) {
  reader.readInt32();
  return {
    errorCode: reader.readInt16(),
    generationId: reader.readInt32(),
    protocolName: reader.readString(),
    leader: reader.readString(),
    memberId: reader.readString(),
  };
}

function join(memberId: string, sessionTimeoutMs = 10_000) {
  return client.request(11, 5, (w) => {
    w.writeString("raw-group")
      .writeInt32(sessionTimeoutMs)
      .writeInt32(1000)
      .writeString(memberId)
      .writeNullableString(null);
    w.writeString("consumer").writeArray(["range"], (pw, name) =>
      pw.writeString(name).writeBytes(Buffer.from([1, 2, 3])),
    );
  });
}

describe("protocol details on a raw connection", () => {
  it("answers a too-new ApiVersions with error 35 in a v0 body listing our ranges", async () => {
    const reader = await client.request(18, 3, (w) => w.writeInt8(0));
    expect(reader.readInt16()).toBe(35);
    const ranges = reader.readArray((r) => ({ key: r.readInt16(), min: r.readInt16(), max: r.readInt16() }));
    expect(ranges).toContainEqual({ key: 18, min: 0, max: 2 });
    expect(ranges).toContainEqual({ key: 0, min: 3, max: 7 });
    expect(ranges).toContainEqual({ key: 1, min: 4, max: 11 });
    expect(reader.remaining).toBe(0);
    const supported = await client.request(18, 2, () => undefined);
    expect(supported.readInt16()).toBe(0);
  });

  it("deduplicates a retried idempotent batch and rejects out-of-order sequences", async () => {
    const producerId = 424242n;
    const first = await produce(
      buildRecordBatch({ values: ["a", "b"], producerId, producerEpoch: 0, baseSequence: 0 }),
    );
    expect(first.errorCode).toBe(0);
    const retry = await produce(
      buildRecordBatch({ values: ["a", "b"], producerId, producerEpoch: 0, baseSequence: 0 }),
    );
    expect(retry).toEqual(first);
    const next = await produce(
      buildRecordBatch({ values: ["c"], producerId, producerEpoch: 0, baseSequence: 2 }),
    );
    expect(next).toEqual({ errorCode: 0, baseOffset: first.baseOffset + 2n });
    const gap = await produce(
      buildRecordBatch({ values: ["e"], producerId, producerEpoch: 0, baseSequence: 9 }),
    );
    expect(gap.errorCode).toBe(45);
    const plain = await produce(buildRecordBatch({ values: ["p"] }));
    expect(plain).toEqual({ errorCode: 0, baseOffset: first.baseOffset + 3n });
  });

  it("honours min_bytes and max_wait, and answers in request order on one connection", async () => {
    const { highWatermark } = readFetch(
      await fetch({ offset: 0n, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 }),
    );
    const started = Date.now();
    const parked = fetch({
      offset: highWatermark,
      maxWaitMs: 400,
      minBytes: 1 << 20,
      maxBytes: 1 << 20,
      partitionMaxBytes: 1 << 20,
    });
    let parkedAt = 0;
    void parked.then(() => (parkedAt = Date.now()));
    // Queued behind the parked fetch on the same connection, so it must be answered after it.
    const versions = client.request(18, 2, () => undefined).then(() => Date.now());
    const producer = await RawClient.connect(broker.address);
    await producer.request(0, 7, (w) => {
      w.writeNullableString(null).writeInt16(1).writeInt32(5000);
      w.writeArray(["raw"], (tw, name) => {
        tw.writeString(name).writeArray([0], (pw) =>
          pw.writeInt32(0).writeBytes(buildRecordBatch({ values: ["small"] })),
        );
      });
    });
    producer.close();
    const answer = readFetch(await parked);
    const versionsAt = await versions;
    // One small batch is below min_bytes, so the fetch waits out max_wait and returns what there is.
    expect(parkedAt - started).toBeGreaterThanOrEqual(380);
    expect(answer.errorCode).toBe(0);
    expect(answer.highWatermark).toBe(highWatermark + 1n);
    expect(answer.records.length).toBeGreaterThan(0);
    expect(versionsAt).toBeGreaterThanOrEqual(parkedAt);
  });

  it("limits a fetch by max_bytes but always returns the first batch whole", async () => {
    const tiny = readFetch(
      await fetch({ offset: 0n, maxWaitMs: 0, minBytes: 0, maxBytes: 10, partitionMaxBytes: 10 }),
    );
    const all = readFetch(
      await fetch({ offset: 0n, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 }),
    );
    const firstBatchSize = tiny.records.readInt32BE(8) + 12;
    expect(tiny.records.length).toBe(firstBatchSize);
    expect(all.records.length).toBeGreaterThan(firstBatchSize);
    const beyond = readFetch(
      await fetch({
        offset: all.highWatermark + 5n,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 100,
        partitionMaxBytes: 100,
      }),
    );
    expect(beyond.errorCode).toBe(1);
  });

  it("rejects a batch whose CRC does not match", async () => {
    const batch = buildRecordBatch({ values: ["tampered"] });
    batch[batch.length - 3] = (batch[batch.length - 3] ?? 0) ^ 0xff;
    expect((await produce(batch)).errorCode).toBe(2);
  });

  it("runs the MEMBER_ID_REQUIRED dance and answers heartbeats during a rebalance", async () => {
    const required = readJoin(await join(""));
    expect(required.errorCode).toBe(79);
    expect(required.memberId).not.toBe("");
    const joined = readJoin(await join(required.memberId));
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      leader: required.memberId,
      protocolName: "range",
    });
    const syncReader = await client.request(14, 3, (w) => {
      w.writeString("raw-group").writeInt32(1).writeString(joined.memberId).writeNullableString(null);
      w.writeArray([joined.memberId], (aw, id) => aw.writeString(id).writeBytes(Buffer.from("mine")));
    });
    syncReader.readInt32();
    expect(syncReader.readInt16()).toBe(0);
    expect(syncReader.readBytes().toString()).toBe("mine");

    // A second member joining puts the group into rebalance; the first learns of it by heartbeat.
    const other = await RawClient.connect(broker.address);
    const otherId = readJoin(
      await other.request(11, 5, (w) => {
        w.writeString("raw-group")
          .writeInt32(10_000)
          .writeInt32(1000)
          .writeString("")
          .writeNullableString(null);
        w.writeString("consumer").writeArray(["range"], (pw, name) =>
          pw.writeString(name).writeBytes(Buffer.alloc(0)),
        );
      }),
    ).memberId;
    const otherJoin = other.request(11, 5, (w) => {
      w.writeString("raw-group")
        .writeInt32(10_000)
        .writeInt32(1000)
        .writeString(otherId)
        .writeNullableString(null);
      w.writeString("consumer").writeArray(["range"], (pw, name) =>
        pw.writeString(name).writeBytes(Buffer.alloc(0)),
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heartbeat = await client.request(12, 3, (w) => {
      w.writeString("raw-group").writeInt32(1).writeString(joined.memberId).writeNullableString(null);
    });
    heartbeat.readInt32();
    expect(heartbeat.readInt16()).toBe(27);
    // The first member never rejoins: after the rebalance timeout the group moves on without it.
    const result = readJoin(await otherJoin);
    expect(result).toMatchObject({ errorCode: 0, generationId: 2, leader: otherId });
    other.close();
  });
});
