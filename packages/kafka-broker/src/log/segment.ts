import {
  close,
  closeSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { BatchEntry } from "./batch-cache";
import { type BatchHeader, readBaseOffset, readBatchHeader } from "./record-batch";

const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
const FILE_SUFFIX = ".log";

export function formatSegmentName(baseOffset: bigint): string {
  return `${baseOffset.toString().padStart(20, "0")}${FILE_SUFFIX}`;
}

export function parseSegmentName(name: string): bigint | undefined {
  const match = /^(\d{20})\.log$/.exec(name);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

export interface ScannedBatch {
  header: BatchHeader;
  baseOffset: bigint;
}

/**
 * One file of raw record batches, exactly as served to consumers, plus the in-memory index of where
 * each batch starts. The index is never written: it is rebuilt from batch headers on start.
 */
export class Segment {
  readonly baseOffset: bigint;
  readonly path: string;
  readonly entries: BatchEntry[] = [];
  size = 0;
  maxTimestamp = -1n;
  lastAppendMs = Date.now();
  private fd: number | undefined;

  constructor(directory: string, baseOffset: bigint) {
    this.baseOffset = baseOffset;
    this.path = join(directory, formatSegmentName(baseOffset));
  }

  get nextOffset(): bigint {
    const last = this.entries.at(-1);
    return last ? last.lastOffset + 1n : this.baseOffset;
  }

  private open(): number {
    this.fd ??= openSync(this.path, "a+");
    return this.fd;
  }

  /**
   * Indexes the file and cuts off whatever does not form a whole, valid batch at the end: the torn
   * write of a killed process must be truncated, never served. CRCs are checked when `verifyCrc`
   * (the newest segment, the only one a crash can tear).
   */
  recover(verifyCrc: boolean, onBatch: (batch: ScannedBatch) => void): { truncatedBytes: number } {
    const fd = this.open();
    const fileSize = fstatSync(fd).size;
    this.lastAppendMs = fstatSync(fd).mtimeMs;
    let position = 0;
    let expectedOffset = this.baseOffset;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    scan: while (position < fileSize) {
      if (position - chunkStart + 12 > chunk.length || position < chunkStart) {
        chunk = this.readRange(fd, position, Math.min(SCAN_CHUNK_BYTES, fileSize - position));
        chunkStart = position;
      }
      let header = readBatchHeader(chunk, position - chunkStart, verifyCrc);
      if (header === "truncated" && chunkStart + chunk.length < fileSize) {
        const at = position - chunkStart;
        const needed = chunk.length - at >= 12 ? chunk.readInt32BE(at + 8) + 12 : 0;
        chunk = this.readRange(
          fd,
          position,
          Math.min(Math.max(SCAN_CHUNK_BYTES, needed), fileSize - position),
        );
        chunkStart = position;
        header = readBatchHeader(chunk, 0, verifyCrc);
      }
      if (typeof header === "string") break scan;
      const baseOffset = readBaseOffset(chunk, position - chunkStart);
      if (baseOffset !== expectedOffset) break scan;
      this.index(header, baseOffset, position);
      onBatch({ header, baseOffset });
      expectedOffset = baseOffset + BigInt(header.lastOffsetDelta) + 1n;
      position += header.size;
    }
    if (position < fileSize) ftruncateSync(fd, position);
    this.size = position;
    return { truncatedBytes: fileSize - position };
  }

  private readRange(fd: number, position: number, length: number): Buffer {
    const data = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const read = readSync(fd, data, done, length - done, position + done);
      if (read === 0) return data.subarray(0, done);
      done += read;
    }
    return data;
  }

  private index(header: BatchHeader, baseOffset: bigint, position: number): BatchEntry {
    const entry: BatchEntry = {
      baseOffset,
      lastOffset: baseOffset + BigInt(header.lastOffsetDelta),
      position,
      size: header.size,
      maxTimestamp: header.maxTimestamp,
      data: undefined,
    };
    this.entries.push(entry);
    if (header.maxTimestamp > this.maxTimestamp) this.maxTimestamp = header.maxTimestamp;
    return entry;
  }

  /** Appends a batch whose base offset has already been assigned. */
  append(batch: Buffer, header: BatchHeader, baseOffset: bigint): BatchEntry {
    const fd = this.open();
    let written = 0;
    try {
      while (written < batch.length) written += writeSync(fd, batch, written, batch.length - written);
    } catch (error) {
      // A failed write (disk full) must not leave half a batch where the next one's index points.
      ftruncateSync(fd, this.size);
      throw error;
    }
    const entry = this.index(header, baseOffset, this.size);
    this.size += batch.length;
    this.lastAppendMs = Date.now();
    return entry;
  }

  /** Reads the bytes of consecutive entries in one system call. */
  readEntries(first: BatchEntry, last: BatchEntry): Buffer {
    return this.readRange(this.open(), first.position, last.position + last.size - first.position);
  }

  flush(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  /**
   * Hands a finished segment's file to the kernel to sync in the background: a synchronous fsync
   * here would stall every client for the length of a disk flush at each segment roll.
   */
  seal(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    fsync(fd, () => {
      close(fd, () => undefined);
    });
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  delete(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
