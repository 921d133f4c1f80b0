import { describe, expect, it } from "vitest";
import { LogEndHistory } from "./log-end-history";

describe("log-end history", () => {
  it("interpolates when an offset was appended between the samples around it", () => {
    const history = new LogEndHistory();
    history.record(0n, 1_000);
    history.record(0n, 2_000);
    history.record(10n, 3_000);
    // Offsets 0..9 were appended between 2,000 (0 last seen as the end) and 3,000.
    expect(history.appendTimeOf(5n)).toEqual({ atMs: 2_500, isLowerBound: false });
    expect(history.appendTimeOf(0n)).toEqual({ atMs: 2_000, isLowerBound: false });
  });

  it("gives a lower bound before its first sample and nothing for offsets not yet written", () => {
    const history = new LogEndHistory();
    history.record(100n, 1_000);
    expect(history.appendTimeOf(3n)).toEqual({ atMs: 1_000, isLowerBound: true });
    expect(history.appendTimeOf(100n)).toBeUndefined();
    expect(new LogEndHistory().appendTimeOf(0n)).toBeUndefined();
  });

  it("keeps only changes within its capacity, and starts over when the log end moves back", () => {
    const history = new LogEndHistory(3);
    for (let i = 1; i <= 4; i++) history.record(BigInt(i), i);
    expect(history.appendTimeOf(1n)).toEqual({ atMs: 2, isLowerBound: true });
    history.record(2n, 10);
    expect(history.appendTimeOf(1n)).toEqual({ atMs: 10, isLowerBound: true });
  });

  it("measures the produce rate over a window, from the log end as it stood at the window's start", () => {
    const history = new LogEndHistory();
    expect(history.ratePerSecond(0, 60_000)).toBeNull();
    history.record(100n, 0);
    history.record(100n, 10_000);
    history.record(400n, 20_000);
    history.record(700n, 30_000);
    // Watched for 30 s of a 60 s window: 600 records over 30 s.
    expect(history.ratePerSecond(30_000, 60_000)).toBe(20);
    // A 15 s window starts at 15 s, when the log end stood at 100.
    expect(history.ratePerSecond(30_000, 15_000)).toBe(40);
    // Nothing produced since: the rate falls as the window moves on, to nothing once past the last append.
    history.record(700n, 90_000);
    expect(history.ratePerSecond(60_000, 60_000)).toBe(10);
    expect(history.ratePerSecond(90_000, 60_000)).toBe(0);
    expect(history.ratePerSecond(0, 60_000)).toBeNull();
  });
});
