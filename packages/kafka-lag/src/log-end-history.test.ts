import { describe, expect, it } from "vitest";
import { LogEndHistory } from "./log-end-history";

describe("LogEndHistory", () => {
  it("interpolates an offset's append time between the samples around it", () => {
    const history = new LogEndHistory();
    history.record(5n, 1_000);
    history.record(5n, 1_500);
    history.record(10n, 2_000);
    // Offsets 5..9 were appended between 1,500 (5 last seen as the end) and 2,000.
    expect(history.appendTimeOf(7n)).toEqual({ atMs: 1_700, isLowerBound: false });
    expect(history.appendTimeOf(5n)).toEqual({ atMs: 1_500, isLowerBound: false });
  });

  it("gives a lower bound for an offset older than the history, and nothing for one not appended yet", () => {
    const history = new LogEndHistory();
    history.record(100n, 1_000);
    expect(history.appendTimeOf(3n)).toEqual({ atMs: 1_000, isLowerBound: true });
    expect(history.appendTimeOf(100n)).toBeUndefined();
    expect(new LogEndHistory().appendTimeOf(0n)).toBeUndefined();
  });

  it("keeps the newest samples within its bound, and starts over when the log end goes back", () => {
    const history = new LogEndHistory(3);
    for (const [offset, at] of [
      [1n, 1],
      [2n, 2],
      [3n, 3],
      [4n, 4],
    ] as const) {
      history.record(offset, at);
    }
    expect(history.appendTimeOf(1n)).toEqual({ atMs: 2, isLowerBound: true });
    history.record(2n, 10);
    expect(history.appendTimeOf(1n)).toEqual({ atMs: 10, isLowerBound: true });
  });
});
