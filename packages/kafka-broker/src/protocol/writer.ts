const INITIAL_SIZE = 256;

/**
 * Builds one response. Small fields go into a growing scratch buffer; large record data is kept as
 * separate chunks so fetched batches are copied once, when the frame is assembled.
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(INITIAL_SIZE);
  private used = 0;
  private flushedBytes = 0;
  private frame: Buffer | undefined;

  get length(): number {
    return this.flushedBytes + this.used;
  }

  private reserve(size: number): number {
    if (this.used + size > this.scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.used + size));
      this.scratch.copy(grown, 0, 0, this.used);
      this.scratch = grown;
    }
    const at = this.used;
    this.used += size;
    return at;
  }

  writeInt8(value: number): this {
    const at = this.reserve(1);
    this.scratch.writeInt8(value, at);
    return this;
  }

  writeBoolean(value: boolean): this {
    return this.writeInt8(value ? 1 : 0);
  }

  writeInt16(value: number): this {
    const at = this.reserve(2);
    this.scratch.writeInt16BE(value, at);
    return this;
  }

  writeInt32(value: number): this {
    const at = this.reserve(4);
    this.scratch.writeInt32BE(value, at);
    return this;
  }

  writeUInt32(value: number): this {
    const at = this.reserve(4);
    this.scratch.writeUInt32BE(value, at);
    return this;
  }

  writeInt64(value: bigint): this {
    const at = this.reserve(8);
    this.scratch.writeBigInt64BE(value, at);
    return this;
  }

  writeNullableString(value: string | null): this {
    if (value === null) return this.writeInt16(-1);
    const length = Buffer.byteLength(value);
    this.writeInt16(length);
    const at = this.reserve(length);
    this.scratch.write(value, at, "utf8");
    return this;
  }

  writeString(value: string): this {
    return this.writeNullableString(value);
  }

  writeRaw(data: Buffer): this {
    if (data.length < 1024) {
      const at = this.reserve(data.length);
      data.copy(this.scratch, at);
      return this;
    }
    this.flushScratch();
    this.chunks.push(data);
    this.flushedBytes += data.length;
    return this;
  }

  writeNullableBytes(value: Buffer | null): this {
    if (value === null) return this.writeInt32(-1);
    this.writeInt32(value.length);
    return this.writeRaw(value);
  }

  writeBytes(value: Buffer): this {
    return this.writeNullableBytes(value);
  }

  /** Writes a byte field whose content is several buffers, e.g. the batches of one fetched partition. */
  writeBytesFromParts(parts: readonly Buffer[]): this {
    let total = 0;
    for (const part of parts) total += part.length;
    this.writeInt32(total);
    for (const part of parts) this.writeRaw(part);
    return this;
  }

  writeArray<T>(items: readonly T[], writeItem: (writer: this, item: T) => void): this {
    this.writeInt32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  writeNullableArray<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    if (items === null) return this.writeInt32(-1);
    return this.writeArray(items, writeItem);
  }

  writeInt32Array(items: readonly number[]): this {
    return this.writeArray(items, (writer, item) => writer.writeInt32(item));
  }

  private flushScratch(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.used));
    this.flushedBytes += this.used;
    this.scratch = Buffer.allocUnsafe(INITIAL_SIZE);
    this.used = 0;
  }

  /**
   * The finished bytes with the 4-byte size prefix every Kafka frame starts with. Built once: a
   * parked fetch builds it as soon as it wakes, so the cached batches it points at are copied out
   * before later appends can reuse their memory.
   */
  toFrame(): Buffer {
    if (this.frame) return this.frame;
    this.flushScratch();
    const frame = Buffer.allocUnsafe(4 + this.flushedBytes);
    frame.writeInt32BE(this.flushedBytes, 0);
    let at = 4;
    for (const chunk of this.chunks) {
      chunk.copy(frame, at);
      at += chunk.length;
    }
    this.frame = frame;
    this.chunks.length = 0;
    return frame;
  }
}
