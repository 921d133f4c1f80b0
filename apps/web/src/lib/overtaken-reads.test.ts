import { describe, expect, it } from "vitest";
import { OvertakenReads } from "./overtaken-reads";

/** A promise and the function that settles it, to order a read and a change by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe("OvertakenReads", () => {
  it("applies a read that no change overtook", async () => {
    const reads = new OvertakenReads();
    const applied: number[] = [];
    await reads.read(
      async () => 1,
      (value) => applied.push(value),
    );
    expect(applied).toEqual([1]);
  });

  it("reads again, after the change reached the server, when a change began while a read was on its way", async () => {
    const reads = new OvertakenReads();
    let server = "unread";
    const fetches: ReturnType<typeof deferred<string>>[] = [];
    const applied: string[] = [];
    const reading = reads.read(
      () => {
        const next = deferred<string>();
        fetches.push(next);
        return next.promise;
      },
      (value) => applied.push(value),
    );
    // The read left with the old state; the user marks everything read before it answers.
    const sent = deferred<undefined>();
    const marking = reads.change(() => sent.promise);
    fetches[0]?.resolve(server);
    server = "read";
    sent.resolve(undefined);
    await marking;
    // The stale answer was dropped and the read made again, now answered with the new state.
    for (let turns = 0; fetches.length < 2 && turns < 100; turns++) await Promise.resolve();
    expect(fetches).toHaveLength(2);
    fetches[1]?.resolve(server);
    await reading;
    expect(applied).toEqual(["read"]);
  });

  it("reads again after a change that failed too, and reports the failure to the one who made it", async () => {
    const reads = new OvertakenReads();
    let calls = 0;
    const applied: number[] = [];
    const failing = deferred<undefined>();
    const reading = reads.read(
      async () => {
        calls++;
        if (calls === 1) {
          const change = reads.change(() => failing.promise.then(() => Promise.reject(new Error("offline"))));
          failing.resolve(undefined);
          await expect(change).rejects.toThrow("offline");
        }
        return calls;
      },
      (value) => applied.push(value),
    );
    await reading;
    expect(applied).toEqual([2]);
  });
});
