import { describe, expect, it } from "vitest";
import { FrameDecoder } from "./frame-decoder";

function frame(body: string): Buffer {
  const bytes = Buffer.from(body);
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(bytes.length, 0);
  return Buffer.concat([prefix, bytes]);
}

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): string[] {
  const frames: string[] = [];
  for (const chunk of chunks) {
    expect(decoder.push(chunk, (f) => frames.push(f.toString()))).toBe("ok");
  }
  return frames;
}

describe("FrameDecoder", () => {
  it("splits several frames out of one chunk", () => {
    const stream = Buffer.concat([frame("one"), frame("two"), frame("three")]);
    expect(decodeAll(new FrameDecoder(1024), [stream])).toEqual(["one", "two", "three"]);
  });

  it("reassembles frames cut at every possible byte", () => {
    const stream = Buffer.concat([frame("alpha"), frame("a longer second frame"), frame("")]);
    for (let cut = 1; cut < stream.length; cut++) {
      const decoder = new FrameDecoder(1024);
      expect(decodeAll(decoder, [stream.subarray(0, cut), stream.subarray(cut)])).toEqual([
        "alpha",
        "a longer second frame",
        "",
      ]);
    }
    const byteByByte = [...stream].map((byte) => Buffer.from([byte]));
    expect(decodeAll(new FrameDecoder(1024), byteByByte)).toEqual(["alpha", "a longer second frame", ""]);
  });

  it("assembles frames above the reusable size from their chunks", () => {
    const body = Buffer.alloc(9 * 1024 * 1024, 7);
    const stream = Buffer.concat([frame(body.toString()), frame("after")]);
    const decoder = new FrameDecoder(16 * 1024 * 1024);
    const sizes: number[] = [];
    for (let at = 0; at < stream.length; at += 1_000_000) {
      decoder.push(stream.subarray(at, at + 1_000_000), (f) => sizes.push(f.length));
    }
    expect(sizes).toEqual([body.length, 5]);
  });

  it("refuses a size prefix above the limit or below zero", () => {
    expect(new FrameDecoder(10).push(frame("this is longer than ten"), () => undefined)).toBe("too-large");
    expect(new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]), () => undefined)).toBe(
      "too-large",
    );
  });
});
