/** The protobuf wire types this decoder meets. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export class ProtobufError extends Error {
  override readonly name = "ProtobufError";
}

/**
 * Reads protobuf's wire format field by field. OTLP's messages are few and small, so each is decoded by
 * hand against its field numbers; unknown fields are skipped, as protobuf requires for compatibility.
 */
export class ProtobufReader {
  #offset: number;
  readonly #end: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#offset = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#offset >= this.#end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    return { field: Number(tag >> 3n), wireType: Number(tag & 7n) };
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.#byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError("varint longer than 10 bytes");
  }

  uint32(): number {
    return Number(BigInt.asUintN(32, this.varint()));
  }

  int64(): bigint {
    return BigInt.asIntN(64, this.varint());
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  fixed64(): bigint {
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#take(8), 8);
    return view.getBigUint64(0, true);
  }

  fixed32(): number {
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#take(4), 4);
    return view.getUint32(0, true);
  }

  double(): number {
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#take(8), 8);
    return view.getFloat64(0, true);
  }

  bytes(): Uint8Array {
    const length = this.uint32();
    const start = this.#take(length);
    return this.#bytes.subarray(start, start + length);
  }

  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** A reader over an embedded message (a length-delimited field). */
  message(): ProtobufReader {
    const length = this.uint32();
    const start = this.#take(length);
    return new ProtobufReader(this.#bytes, start, start + length);
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.#take(8);
    else if (wireType === LENGTH_DELIMITED) this.#take(this.uint32());
    else if (wireType === FIXED32) this.#take(4);
    else throw new ProtobufError(`unsupported wire type ${wireType}`);
  }

  #byte(): number {
    const byte = this.#bytes[this.#take(1)];
    if (byte === undefined) throw new ProtobufError("truncated message");
    return byte;
  }

  #take(length: number): number {
    const start = this.#offset;
    if (start + length > this.#end) throw new ProtobufError("truncated message");
    this.#offset += length;
    return start;
  }
}
