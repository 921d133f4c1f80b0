import { describe, expect, it } from "vitest";
import { isResendable, resendDelayMs } from "./send-retry";

describe("automatic resends", () => {
  it("wait exponentially longer, with jitter inside each step", () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((attempt) => resendDelayMs(attempt, undefined, low))).toEqual([
      250, 500, 1000, 2000,
    ]);
    expect([1, 2, 3, 4].map((attempt) => resendDelayMs(attempt, undefined, high))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(resendDelayMs(20, undefined, high)).toBe(30_000);
  });

  it("never come back sooner than the server asked", () => {
    expect(resendDelayMs(1, 1_700, () => 0.5)).toBe(1_700);
    expect(resendDelayMs(5, 1_700, () => 1)).toBe(8_000);
  });

  it("are made for a busy service only, not for a sender's own flood or a refusal", () => {
    expect(isResendable("UNAVAILABLE")).toBe(true);
    expect(["RATE_LIMITED", "NOT_A_MEMBER", "CONFLICT", "BAD_REQUEST"].map(isResendable)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
