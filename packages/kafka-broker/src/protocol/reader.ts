/** Thrown when a request body does not parse; the connection that sent it is closed. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/**
 * Reads Kafka's fixed-width primitives from one request. Every read is bounds-checked so that
 * truncated or garbage frames surface as a ProtocolError instead of reading past the frame.
 */
export class Reader {
  readonly buffer: Buffer;
  offset: number;

  constructor(buffer: Buffer, offset = 0) {
    this.buffer = buffer;
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private take(size: number): number {
    if (size < 0 || this.offset + size > this.buffer.length) {
      throw new ProtocolError(`read of ${size} bytes past the end of the frame`);
    }
    const at = this.offset;
    this.offset += size;
    return at;
  }

  readInt8(): number {
    return this.buffer.readInt8(this.take(1));
  }

  readBoolean(): boolean {
    return this.readInt8() !== 0;
  }

  readInt16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  readInt32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  readInt64(): bigint {
    return this.buffer.readBigInt64BE(this.take(8));
  }

  readNullableString(): string | null {
    const length = this.readInt16();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`invalid string length ${length}`);
    const at = this.take(length);
    return this.buffer.toString("utf8", at, at + length);
  }

  readString(): string {
    const value = this.readNullableString();
    if (value === null) throw new ProtocolError("null where a string is required");
    return value;
  }

  /** Returns a view into the frame, not a copy: produced batches are stored from it as they are. */
  readNullableBytes(): Buffer | null {
    const length = this.readInt32();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`invalid bytes length ${length}`);
    const at = this.take(length);
    return this.buffer.subarray(at, at + length);
  }

  readBytes(): Buffer {
    return this.readNullableBytes() ?? Buffer.alloc(0);
  }

  readNullableArray<T>(readItem: (reader: Reader) => T): T[] | null {
    const length = this.readInt32();
    if (length === -1) return null;
    // Each item takes at least one byte, so a count above the bytes left is garbage, not a big array.
    if (length < -1 || length > this.remaining) throw new ProtocolError(`invalid array length ${length}`);
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(readItem(this));
    return items;
  }

  readArray<T>(readItem: (reader: Reader) => T): T[] {
    return this.readNullableArray(readItem) ?? [];
  }
}
