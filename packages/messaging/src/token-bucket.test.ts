import { expect, it } from "vitest";
import { TokenBucket } from "./token-bucket";

it("allows a burst up to capacity, then refills at the given rate", () => {
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2, now: 0 });
  expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([
    true,
    true,
    true,
    false,
  ]);
  expect(bucket.tryTake(499)).toBe(false);
  expect(bucket.tryTake(500)).toBe(true);
  expect(bucket.tryTake(500)).toBe(false);
  expect(bucket.tryTake(10_000)).toBe(true);
  expect([bucket.tryTake(10_000), bucket.tryTake(10_000), bucket.tryTake(10_000)]).toEqual([
    true,
    true,
    false,
  ]);
});
