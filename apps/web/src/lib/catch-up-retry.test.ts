import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { fillUntilDone } from "./catch-up-retry";

const unreachable = () => new TRPCClientError("fetch failed");

describe("fillUntilDone", () => {
  it("tries a catch-up again while the server is unreachable, with growing waits, until it succeeds", async () => {
    const waits: number[] = [];
    let calls = 0;
    await fillUntilDone(
      async () => {
        calls++;
        if (calls <= 3) throw unreachable();
      },
      { isStopped: () => false, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    expect(calls).toBe(4);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it("stops at a refusal a retry cannot mend, and when the controller stops", async () => {
    let calls = 0;
    const refused = TRPCClientError.from({
      error: { message: "no", code: -32603, data: { appCode: "NOT_A_MEMBER" } },
    });
    await fillUntilDone(
      async () => {
        calls++;
        throw refused;
      },
      { isStopped: () => false, sleep: async () => undefined },
    );
    expect(calls).toBe(1);

    let stopped = false;
    calls = 0;
    await fillUntilDone(
      async () => {
        calls++;
        throw unreachable();
      },
      { isStopped: () => stopped, sleep: async () => void (stopped = true) },
    );
    expect(calls).toBe(1);
  });
});
