import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildRecordBatch } from "../../test/helpers/record-batch-builder";
import { BatchCache } from "./batch-cache";
import { PartitionLog } from "./partition-log";
import { readBatchHeader } from "./record-batch";

const limits = { segmentBytes: 1024, retentionBytes: -1, retentionMs: -1 };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openLog(cacheBytes = 1 << 20): { log: PartitionLog; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "partition-log-"));
  dirs.push(dir);
  return { log: PartitionLog.open(dir, new BatchCache(cacheBytes), limits), dir };
}

function appendValues(log: PartitionLog, values: string[]): bigint {
  const batch = buildRecordBatch({ values });
  const header = readBatchHeader(batch, 0, true);
  if (typeof header === "string") throw new Error(header);
  return log.append(batch, header);
}

describe("PartitionLog", () => {
  it("assigns offsets by batch and rolls segments at the size limit", () => {
    const { log, dir } = openLog();
    expect(appendValues(log, ["a", "b", "c"])).toBe(0n);
    expect(appendValues(log, ["d"])).toBe(3n);
    for (let i = 0; i < 20; i++) appendValues(log, ["x".repeat(100)]);
    expect(log.highWatermark).toBe(24n);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
    log.close();
  });

  it("reads from the batch containing an offset, from cache and from disk alike", () => {
    const { log, dir } = openLog(0);
    for (let i = 0; i < 10; i++) appendValues(log, [`v${i}`, `w${i}`]);
    const read = log.read(5n, 1 << 20, true);
    expect(read.batches.length).toBeGreaterThan(0);
    const first = Buffer.concat(read.batches);
    expect(first.readBigInt64BE(0)).toBe(4n);
    log.close();
    const reopened = PartitionLog.open(dir, new BatchCache(1 << 20), limits);
    expect(Buffer.concat(reopened.read(5n, 1 << 20, true).batches)).toEqual(first);
    expect(reopened.read(20n, 1 << 20, true).batches).toEqual([]);
    reopened.close();
  });

  it("returns the first batch even when it is larger than the byte limit", () => {
    const { log } = openLog();
    appendValues(log, ["y".repeat(500)]);
    appendValues(log, ["z"]);
    const read = log.read(0n, 10, true);
    expect(read.batches).toHaveLength(1);
    expect(log.read(0n, 10, false).batches).toHaveLength(0);
    log.close();
  });

  it("truncates a last batch whose CRC does not match after a crash", () => {
    const { log, dir } = openLog();
    appendValues(log, ["kept"]);
    appendValues(log, ["torn"]);
    log.close();
    const segment = join(dir, readdirSync(dir)[0] ?? "");
    const bytes = readFileSync(segment);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0x55;
    writeFileSync(segment, bytes);
    const firstSize = (readBatchHeader(bytes, 0, false) as { size: number }).size;
    const reopened = PartitionLog.open(dir, new BatchCache(1 << 20), limits);
    expect(reopened.highWatermark).toBe(1n);
    expect(statSync(segment).size).toBe(firstSize);
    expect(appendValues(reopened, ["after"])).toBe(1n);
    reopened.close();
  });

  it("finds the exact record for a timestamp inside an uncompressed batch", () => {
    const { log } = openLog();
    const batch = buildRecordBatch({ values: ["a", "b", "c", "d"], timestamp: 1_000n, timestampStep: 10 });
    const header = readBatchHeader(batch, 0, true);
    if (typeof header === "string") throw new Error(header);
    log.append(batch, header);
    expect(log.findOffsetByTimestamp(1_015n)).toEqual({ offset: 2n, timestamp: 1_020n });
    expect(log.findOffsetByTimestamp(500n)).toEqual({ offset: 0n, timestamp: 1_000n });
    expect(log.findOffsetByTimestamp(2_000n)).toBeUndefined();
    log.close();
  });

  it("truncates a half-written batch header", () => {
    const { log, dir } = openLog();
    appendValues(log, ["kept"]);
    log.close();
    const segment = join(dir, readdirSync(dir)[0] ?? "");
    appendFileSync(segment, Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]));
    const reopened = PartitionLog.open(dir, new BatchCache(1 << 20), limits);
    expect(reopened.highWatermark).toBe(1n);
    reopened.close();
  });
});
