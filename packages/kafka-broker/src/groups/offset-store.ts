import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { isStorageError } from "../log/storage-health";

const COMPACT_AFTER_LINES = 10_000;

export interface CommittedOffset {
  offset: bigint;
  metadata: string | null;
}

const commitLine = z.object({
  group: z.string(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string().regex(/^-?\d+$/),
  metadata: z.string().nullable(),
});
const deleteTopicLine = z.object({ deletedTopic: z.string() });
const deleteGroupLine = z.object({ deletedGroup: z.string() });
const line = z.union([commitLine, deleteTopicLine, deleteGroupLine]);

/**
 * Committed consumer-group offsets: an append-only file of JSON lines (last write wins), rewritten
 * compacted on start. A torn last line from a killed process simply fails to parse and is dropped.
 */
export class OffsetStore {
  private readonly directory: string;
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private fd: number | undefined;
  /** Bytes in the file: where a write that failed halfway is cut back to. */
  private size = 0;
  private appendedLines = 0;

  constructor(dataDir: string) {
    this.directory = join(dataDir, "groups");
  }

  private get path(): string {
    return join(this.directory, "offsets.log");
  }

  load(): void {
    mkdirSync(this.directory, { recursive: true });
    if (existsSync(this.path)) {
      for (const text of readFileSync(this.path, "utf8").split("\n")) this.replay(text);
    }
    this.compact();
  }

  private replay(text: string): void {
    if (text.trim() === "") return;
    let parsed: z.infer<typeof line>;
    try {
      parsed = line.parse(JSON.parse(text));
    } catch {
      return;
    }
    if ("deletedTopic" in parsed) {
      this.dropTopic(parsed.deletedTopic);
      return;
    }
    if ("deletedGroup" in parsed) {
      this.groups.delete(parsed.deletedGroup);
      return;
    }
    this.set(parsed.group, parsed.topic, parsed.partition, {
      offset: BigInt(parsed.offset),
      metadata: parsed.metadata,
    });
  }

  /**
   * Rewrites the file with one line per committed offset. The new file replaces the old one only once it
   * is whole on disk; a disk that refuses it (full) leaves the old file in use, compaction waiting for later.
   */
  private compact(): void {
    const temporary = `${this.path}.compacting`;
    const lines: string[] = [];
    for (const [group, topics] of this.groups) {
      for (const [topic, partitions] of topics) {
        for (const [partition, committed] of partitions)
          lines.push(formatCommit(group, topic, partition, committed));
      }
    }
    const text = lines.join("");
    try {
      const fd = openSync(temporary, "w");
      try {
        writeAll(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      rmSync(temporary, { force: true });
      if (!isStorageError(error)) throw error;
      this.fd ??= openSync(this.path, "a");
      this.size = fstatSync(this.fd).size;
      this.appendedLines = 0;
      return;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    renameSync(temporary, this.path);
    this.fd = openSync(this.path, "a");
    this.size = Buffer.byteLength(text);
    this.appendedLines = 0;
  }

  private set(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    let topics = this.groups.get(group);
    if (!topics) {
      topics = new Map();
      this.groups.set(group, topics);
    }
    let partitions = topics.get(topic);
    if (!partitions) {
      partitions = new Map();
      topics.set(topic, partitions);
    }
    partitions.set(partition, committed);
  }

  /** Written first, then taken: a commit the disk refused throws and leaves the previous offset in place. */
  commit(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    this.append(formatCommit(group, topic, partition, committed));
    this.set(group, topic, partition, committed);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed partition of a group, for OffsetFetch with a null topic list. */
  list(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const result: { topic: string; partition: number; committed: CommittedOffset }[] = [];
    for (const [topic, partitions] of this.groups.get(group) ?? []) {
      for (const [partition, committed] of partitions) result.push({ topic, partition, committed });
    }
    return result;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  deleteTopic(topic: string): void {
    this.dropTopic(topic);
    this.append(`${JSON.stringify({ deletedTopic: topic })}\n`);
  }

  deleteGroup(group: string): void {
    if (!this.groups.delete(group)) return;
    this.append(`${JSON.stringify({ deletedGroup: group })}\n`);
  }

  private dropTopic(topic: string): void {
    for (const [group, topics] of this.groups) {
      topics.delete(topic);
      if (topics.size === 0) this.groups.delete(group);
    }
  }

  private append(text: string): void {
    if (this.fd === undefined) throw new Error("offset store used before load()");
    try {
      writeAll(this.fd, text);
    } catch (error) {
      // Half a line must not prefix the next one: cut the file back to its last whole line.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // The next load drops a torn line anyway.
      }
      throw error;
    }
    this.size += Buffer.byteLength(text);
    this.appendedLines++;
    // Consumers commit often; rewrite the file once it is mostly superseded lines.
    if (this.appendedLines > COMPACT_AFTER_LINES && this.appendedLines > 4 * this.countLive()) this.compact();
  }

  private countLive(): number {
    let count = 0;
    for (const topics of this.groups.values())
      for (const partitions of topics.values()) count += partitions.size;
    return count;
  }

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function formatCommit(group: string, topic: string, partition: number, committed: CommittedOffset): string {
  return `${JSON.stringify({ group, topic, partition, offset: committed.offset.toString(), metadata: committed.metadata })}\n`;
}
