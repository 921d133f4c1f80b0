import { describe, expect, it } from "vitest";
import { evaluatePartitionStatus, worstStatus, type CommitObservation } from "./partition-status";

const windowOf = (...entries: [offset: number, lag: number][]): CommitObservation[] =>
  entries.map(([offset, lag], i) => ({ offset: BigInt(offset), lag: BigInt(lag), atMs: i * 1000 }));

function status(
  window: CommitObservation[],
  logEnd: number,
  overrides: { hasMembers?: boolean; nowMs?: number; lastAdvanceMs?: number } = {},
) {
  const newest = window.at(-1);
  return evaluatePartitionStatus({
    window,
    windowSize: 4,
    logEndOffset: BigInt(logEnd),
    hasMembers: overrides.hasMembers ?? true,
    nowMs: overrides.nowMs ?? newest?.atMs ?? 0,
    lastAdvanceMs: overrides.lastAdvanceMs ?? newest?.atMs ?? 0,
  });
}

describe("partition status", () => {
  it("is OK when caught up, whatever happened before, and OK while the window is filling", () => {
    expect(status(windowOf([5, 0], [5, 0], [5, 0], [5, 0]), 5)).toBe("OK");
    expect(status(windowOf([1, 9], [1, 9]), 10)).toBe("OK");
  });

  it("is STOP when nobody consumes and records wait, judged by the live log end", () => {
    expect(status(windowOf([5, 0]), 5, { hasMembers: false })).toBe("OK");
    expect(status(windowOf([5, 0]), 8, { hasMembers: false })).toBe("STOP");
  });

  it("is STALL when members hold the offset still across the window while records wait", () => {
    expect(status(windowOf([3, 4], [3, 5], [3, 6], [3, 7]), 10, { lastAdvanceMs: 0 })).toBe("STALL");
  });

  it("turns a long stall into STOP once the offset has not moved for two windows", () => {
    expect(status(windowOf([3, 4], [3, 5], [3, 6], [3, 7]), 10, { lastAdvanceMs: 0, nowMs: 7000 })).toBe(
      "STOP",
    );
  });

  it("is WARN when the consumer moves but falls further behind across the whole window", () => {
    expect(status(windowOf([1, 2], [2, 4], [3, 6], [4, 8]), 12)).toBe("WARN");
    expect(status(windowOf([1, 2], [2, 4], [3, 3], [4, 8]), 12)).toBe("OK");
  });

  it("is REWIND when the committed offset went backwards, even when caught up", () => {
    expect(status(windowOf([10, 0], [2, 8]), 10)).toBe("REWIND");
  });

  it("gives a group its worst partition's status", () => {
    expect(worstStatus(["OK", "WARN", "OK"])).toBe("WARN");
    expect(worstStatus(["STALL", "REWIND", "STOP"])).toBe("STOP");
    expect(worstStatus([])).toBe("OK");
  });
});
