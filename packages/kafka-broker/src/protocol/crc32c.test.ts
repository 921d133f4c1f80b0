import { describe, expect, it } from "vitest";
import { computeCrc32c } from "./crc32c";

describe("computeCrc32c", () => {
  it("matches the CRC-32C check value", () => {
    expect(computeCrc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("gives the same answer on the fast path and the byte-wise tail", () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const prefixed = Buffer.concat([Buffer.from([9, 9, 9]), data]);
    expect(computeCrc32c(prefixed, 3)).toBe(computeCrc32c(data));
    expect(computeCrc32c(Buffer.alloc(0))).toBe(0);
  });
});
