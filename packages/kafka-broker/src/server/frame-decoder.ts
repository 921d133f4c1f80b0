/** Frames up to this size are assembled in one buffer reused for the connection's life. */
const REUSABLE_LIMIT = 8 * 1024 * 1024;

/**
 * Splits a TCP byte stream into Kafka frames (4-byte big-endian size, then the request).
 *
 * A frame that arrives inside one chunk is handed over as a view of it. A frame spread over chunks
 * is copied into a buffer the connection reuses (up to 8 MiB): fresh megabyte buffers per request
 * cost page faults and garbage collection on the produce path. Frames are therefore only valid during `onFrame`;
 * whatever a handler keeps must be copied.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly sizePrefix = Buffer.alloc(4);
  private sizePrefixFilled = 0;
  private frameSize = -1;
  private frameFilled = 0;
  private assembly: Buffer = Buffer.alloc(0);
  private largeParts: Buffer[] = [];

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Calls `onFrame` for every complete frame; "too-large" when a size prefix exceeds the limit. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): "ok" | "too-large" {
    let at = 0;
    while (at < chunk.length) {
      if (this.frameSize < 0) {
        if (this.sizePrefixFilled === 0 && chunk.length - at >= 4) {
          this.frameSize = chunk.readInt32BE(at);
          at += 4;
        } else {
          const taken = Math.min(4 - this.sizePrefixFilled, chunk.length - at);
          chunk.copy(this.sizePrefix, this.sizePrefixFilled, at, at + taken);
          this.sizePrefixFilled += taken;
          at += taken;
          if (this.sizePrefixFilled < 4) return "ok";
          this.sizePrefixFilled = 0;
          this.frameSize = this.sizePrefix.readInt32BE(0);
        }
        if (this.frameSize < 0 || this.frameSize > this.maxFrameBytes) return "too-large";
        this.frameFilled = 0;
        if (chunk.length - at >= this.frameSize) {
          const frame = chunk.subarray(at, at + this.frameSize);
          at += this.frameSize;
          this.frameSize = -1;
          onFrame(frame);
          continue;
        }
        this.prepareAssembly(this.frameSize);
      }
      const taken = Math.min(this.frameSize - this.frameFilled, chunk.length - at);
      if (this.frameSize > REUSABLE_LIMIT) {
        // Huge frames are kept as the chunks that arrived: memory follows the bytes actually sent,
        // not the size a client merely announces.
        this.largeParts.push(chunk.subarray(at, at + taken));
      } else {
        chunk.copy(this.assembly, this.frameFilled, at, at + taken);
      }
      this.frameFilled += taken;
      at += taken;
      if (this.frameFilled === this.frameSize) {
        const frame =
          this.frameSize > REUSABLE_LIMIT
            ? Buffer.concat(this.largeParts, this.frameSize)
            : this.assembly.subarray(0, this.frameSize);
        this.largeParts = [];
        this.frameSize = -1;
        onFrame(frame);
      }
    }
    return "ok";
  }

  private prepareAssembly(size: number): void {
    if (size > REUSABLE_LIMIT || size <= this.assembly.length) return;
    this.assembly = Buffer.allocUnsafeSlow(
      Math.min(REUSABLE_LIMIT, Math.max(size, this.assembly.length * 2, 64 * 1024)),
    );
  }
}
