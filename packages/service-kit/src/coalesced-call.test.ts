import { describe, expect, it } from "vitest";
import { CoalescedCall } from "./coalesced-call";

/** A call whose every invocation is recorded and answered only when the test says so. */
function controlledCall() {
  const calls: { items: number[]; answer: (fail?: Error) => void }[] = [];
  let notify: (() => void) | undefined;
  const call = (items: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({ items, answer: (fail) => (fail ? reject(fail) : resolve(items.map((n) => n * 10))) });
      notify?.();
    });
  const callCount = async (n: number) => {
    while (calls.length < n) await new Promise<void>((resolve) => (notify = resolve));
  };
  return { calls, call, callCount };
}

describe("CoalescedCall", () => {
  it("sends requests made in one turn as one call and gives each its own part, in order", async () => {
    const { calls, call, callCount } = controlledCall();
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => answer.slice(start, end),
      maxItems: 100,
    });
    const a = coalesced.run([1, 2]);
    const b = coalesced.run([3]);
    const c = coalesced.run([4, 5, 6]);
    await callCount(1);
    expect(calls[0]?.items).toEqual([1, 2, 3, 4, 5, 6]);
    calls[0]?.answer();
    expect(await Promise.all([a, b, c])).toEqual([[10, 20], [30], [40, 50, 60]]);
    expect(calls).toHaveLength(1);
  });

  it("holds requests made while a call is in flight and sends them together when it returns", async () => {
    const { calls, call, callCount } = controlledCall();
    const sizes: [number, number][] = [];
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => answer.slice(start, end),
      maxItems: 100,
      onCall: (requests, items) => sizes.push([requests, items]),
    });
    const first = coalesced.run([1]);
    await callCount(1);
    const second = coalesced.run([2]);
    const third = coalesced.run([3, 4]);
    expect(coalesced.queued).toBe(2);
    expect(calls).toHaveLength(1);
    calls[0]?.answer();
    expect(await first).toEqual([10]);
    await callCount(2);
    expect(calls[1]?.items).toEqual([2, 3, 4]);
    calls[1]?.answer();
    expect(await Promise.all([second, third])).toEqual([[20], [30, 40]]);
    expect(sizes).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it("keeps each call within maxItems, but sends a larger request whole on its own", async () => {
    const { calls, call, callCount } = controlledCall();
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => answer.slice(start, end),
      maxItems: 3,
    });
    const results = [
      coalesced.run([1, 2]),
      coalesced.run([3, 4]),
      coalesced.run([5, 6, 7, 8]),
      coalesced.run([9]),
    ];
    await callCount(1);
    expect(calls[0]?.items).toEqual([1, 2]);
    calls[0]?.answer();
    await callCount(2);
    expect(calls[1]?.items).toEqual([3, 4]);
    calls[1]?.answer();
    await callCount(3);
    expect(calls[2]?.items).toEqual([5, 6, 7, 8]);
    calls[2]?.answer();
    await callCount(4);
    expect(calls[3]?.items).toEqual([9]);
    calls[3]?.answer();
    expect(await Promise.all(results)).toEqual([[10, 20], [30, 40], [50, 60, 70, 80], [90]]);
  });

  it("tries each request of a failed joint call on its own, so only the bad one fails", async () => {
    const { calls, call, callCount } = controlledCall();
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => answer.slice(start, end),
      maxItems: 100,
    });
    const bad = coalesced.run([1]);
    const good = coalesced.run([2]);
    await callCount(1);
    const later = coalesced.run([3]);
    calls[0]?.answer(new Error("NUL in message 1"));
    await callCount(2);
    expect(calls[1]?.items).toEqual([1]);
    calls[1]?.answer(new Error("NUL in message 1"));
    await expect(bad).rejects.toThrow("NUL in message 1");
    await callCount(3);
    expect(calls[2]?.items).toEqual([2]);
    calls[2]?.answer();
    expect(await good).toEqual([20]);
    // Then the requests that waited meanwhile, together as usual.
    await callCount(4);
    expect(calls[3]?.items).toEqual([3]);
    calls[3]?.answer();
    expect(await later).toEqual([30]);
  });

  it("fails a lone request with its call's error and goes on with the next", async () => {
    const { calls, call, callCount } = controlledCall();
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => answer.slice(start, end),
      maxItems: 100,
    });
    const alone = coalesced.run([1]);
    await callCount(1);
    const later = coalesced.run([2]);
    calls[0]?.answer(new Error("im-repo is unavailable"));
    await expect(alone).rejects.toThrow("im-repo is unavailable");
    await callCount(2);
    calls[1]?.answer();
    expect(await later).toEqual([20]);
    expect(calls).toHaveLength(2);
  });

  it("fails only the request whose part cannot be taken from the answer", async () => {
    const { calls, call, callCount } = controlledCall();
    const coalesced = new CoalescedCall({
      call,
      split: (answer: number[], start, end) => {
        const part = answer.slice(start, end);
        if (part.includes(20)) throw new Error("answer is short");
        return part;
      },
      maxItems: 100,
    });
    const a = coalesced.run([1]);
    const b = coalesced.run([2]);
    await callCount(1);
    calls[0]?.answer();
    expect(await a).toEqual([10]);
    await expect(b).rejects.toThrow("answer is short");
  });

  it("refuses a maxItems that is not a positive integer", () => {
    expect(() => new CoalescedCall({ call: async () => [], split: () => [], maxItems: 0 })).toThrow(
      "maxItems must be a positive integer",
    );
  });
});
