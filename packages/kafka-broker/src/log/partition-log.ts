import { mkdirSync, readdirSync } from "node:fs";
import type { BatchCache, BatchEntry } from "./batch-cache";
import { ProducerStateTable } from "./producer-state";
import { type BatchHeader, setBaseOffset } from "./record-batch";
import { findRecordAtTimestamp } from "./record-timestamps";
import { parseSegmentName, Segment } from "./segment";

export interface LogLimits {
  segmentBytes: number;
  /** Per partition; -1 keeps everything. */
  retentionBytes: number;
  /** -1 keeps everything. */
  retentionMs: number;
}

export interface ReadResult {
  batches: Buffer[];
  bytes: number;
}

/**
 * The append-only log of one partition: a list of segments, the newest one taking appends.
 * All methods are synchronous; the broker's single event loop is the only writer.
 */
export class PartitionLog {
  readonly directory: string;
  readonly producers = new ProducerStateTable();
  private readonly segments: Segment[] = [];
  private readonly cache: BatchCache;
  private readonly limits: LogLimits;

  constructor(directory: string, cache: BatchCache, limits: LogLimits) {
    this.directory = directory;
    this.cache = cache;
    this.limits = limits;
  }

  /** Opens (or creates) the partition directory and rebuilds the index from the segment files. */
  static open(directory: string, cache: BatchCache, limits: LogLimits): PartitionLog {
    mkdirSync(directory, { recursive: true });
    const log = new PartitionLog(directory, cache, limits);
    const bases = readdirSync(directory)
      .map(parseSegmentName)
      .filter((base): base is bigint => base !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (bases.length === 0) bases.push(0n);
    bases.forEach((base, i) => {
      const segment = new Segment(directory, base);
      const isNewest = i === bases.length - 1;
      segment.recover(isNewest, ({ header, baseOffset }) => {
        log.producers.recordAppend(header, baseOffset);
      });
      log.segments.push(segment);
    });
    return log;
  }

  private get active(): Segment {
    return this.segments.at(-1) as Segment;
  }

  get logStartOffset(): bigint {
    return (this.segments[0] as Segment).baseOffset;
  }

  /** Every appended batch is immediately visible: one replica means the high watermark is the log end. */
  get highWatermark(): bigint {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    return this.segments.reduce((total, segment) => total + segment.size, 0);
  }

  /** Assigns offsets by rewriting the batch's base offset in place, then appends its bytes untouched. */
  append(batch: Buffer, header: BatchHeader): bigint {
    if (this.active.size > 0 && this.active.size + batch.length > this.limits.segmentBytes) this.roll();
    const baseOffset = this.highWatermark;
    setBaseOffset(batch, baseOffset);
    const entry = this.active.append(batch, header, baseOffset);
    this.cache.remember(entry, batch);
    this.producers.recordAppend(header, baseOffset);
    return baseOffset;
  }

  private roll(): void {
    this.active.seal();
    this.segments.push(new Segment(this.directory, this.highWatermark));
  }

  /**
   * Returns whole stored batches from the one containing `offset`, up to `maxBytes`. The first batch
   * is returned even when larger than `maxBytes` (when `mustReturnFirst`), so a consumer can always
   * make progress past a big message.
   */
  read(offset: bigint, maxBytes: number, mustReturnFirst: boolean): ReadResult {
    const result: ReadResult = { batches: [], bytes: 0 };
    let segmentIndex = this.findSegmentIndex(offset);
    if (segmentIndex < 0) return result;
    let entryIndex = findEntryIndex((this.segments[segmentIndex] as Segment).entries, offset);
    while (segmentIndex < this.segments.length) {
      const segment = this.segments[segmentIndex] as Segment;
      const picked = this.pickEntries(
        segment.entries,
        entryIndex,
        maxBytes - result.bytes,
        mustReturnFirst && result.bytes === 0,
      );
      if (picked.length > 0) this.collect(segment, picked, result);
      if (entryIndex + picked.length < segment.entries.length) break;
      segmentIndex++;
      entryIndex = 0;
    }
    return result;
  }

  private pickEntries(entries: BatchEntry[], from: number, budget: number, takeFirst: boolean): BatchEntry[] {
    const picked: BatchEntry[] = [];
    let used = 0;
    for (let i = from; i < entries.length; i++) {
      const entry = entries[i] as BatchEntry;
      if (used + entry.size > budget && !(takeFirst && picked.length === 0)) break;
      picked.push(entry);
      used += entry.size;
    }
    return picked;
  }

  private collect(segment: Segment, picked: BatchEntry[], result: ReadResult): void {
    let runStart = 0;
    // Uncached neighbours are read from the file together, one system call per run.
    for (let i = 0; i <= picked.length; i++) {
      const entry = picked[i];
      if (entry?.data === undefined && entry !== undefined) continue;
      if (runStart < i) {
        const first = picked[runStart] as BatchEntry;
        const last = picked[i - 1] as BatchEntry;
        result.batches.push(segment.readEntries(first, last));
        result.bytes += last.position + last.size - first.position;
      }
      if (entry?.data) {
        result.batches.push(entry.data);
        result.bytes += entry.size;
      }
      runStart = i + 1;
    }
  }

  private findSegmentIndex(offset: bigint): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if ((this.segments[mid] as Segment).baseOffset <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Bytes available from `offset` onward, counted without reading them (for fetch min_bytes). */
  bytesAvailableFrom(offset: bigint): number {
    if (offset >= this.highWatermark) return 0;
    let bytes = 0;
    for (let s = this.segments.length - 1; s >= 0; s--) {
      const segment = this.segments[s] as Segment;
      for (let e = segment.entries.length - 1; e >= 0; e--) {
        const entry = segment.entries[e] as BatchEntry;
        if (entry.lastOffset < offset) return bytes;
        bytes += entry.size;
      }
    }
    return bytes;
  }

  /** The first record at or after `timestamp`: found by batch, then by record where uncompressed. */
  findOffsetByTimestamp(timestamp: bigint): { offset: bigint; timestamp: bigint } | undefined {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      const entry = segment.entries.find((candidate) => candidate.maxTimestamp >= timestamp);
      if (!entry) continue;
      const record = findRecordAtTimestamp(entry.data ?? segment.readEntries(entry, entry), timestamp);
      if (record)
        return { offset: entry.baseOffset + BigInt(record.offsetDelta), timestamp: record.timestamp };
      return { offset: entry.baseOffset, timestamp: entry.maxTimestamp };
    }
    return undefined;
  }

  /** Deletes whole old segments by age and size; the log start offset moves to the oldest kept one. */
  applyRetention(nowMs: number): number {
    const { retentionBytes, retentionMs } = this.limits;
    let deleted = 0;
    if (retentionMs >= 0 && this.active.size > 0 && this.segmentAgeMs(this.active, nowMs) > retentionMs) {
      this.roll();
    }
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const tooOld = retentionMs >= 0 && this.segmentAgeMs(oldest, nowMs) > retentionMs;
      const tooBig = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!tooOld && !tooBig) break;
      this.segments.shift();
      for (const entry of oldest.entries) this.cache.forget(entry);
      oldest.delete();
      total -= oldest.size;
      deleted++;
    }
    return deleted;
  }

  private segmentAgeMs(segment: Segment, nowMs: number): number {
    const newest = segment.maxTimestamp >= 0n ? Number(segment.maxTimestamp) : segment.lastAppendMs;
    return nowMs - newest;
  }

  flush(): void {
    this.active.flush();
  }

  close(): void {
    for (const segment of this.segments) segment.close();
  }
}

function findEntryIndex(entries: BatchEntry[], offset: bigint): number {
  let low = 0;
  let high = entries.length - 1;
  let found = entries.length;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((entries[mid] as BatchEntry).lastOffset >= offset) {
      found = mid;
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  return found;
}
