import { AppError, ContractError } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { classifyFailure, retryDelayFor, TRANSIENT_RETRY_CAP_MS } from "./failure-policy";

function remote(appCode: string | undefined, name = "TRPCClientError"): Error {
  const error = new Error("remote failure");
  error.name = name;
  return Object.assign(error, { data: appCode === undefined ? undefined : { appCode } });
}

describe("classifyFailure", () => {
  it("dead-letters at once what the record itself got wrong", () => {
    expect(classifyFailure(new ContractError("MALFORMED_JSON", "t", "bad"))).toBe("permanent");
    expect(classifyFailure(new AppError("NOT_A_MEMBER", "no"))).toBe("permanent");
    expect(classifyFailure(remote("BAD_REQUEST"))).toBe("permanent");
  });

  it("keeps retrying while a dependency is away", () => {
    expect(classifyFailure(new AppError("UNAVAILABLE", "down"))).toBe("transient");
    expect(classifyFailure(remote("UNAVAILABLE"))).toBe("transient");
    expect(classifyFailure(remote(undefined))).toBe("transient");
    expect(classifyFailure(remote(undefined, "KafkaJSConnectionError"))).toBe("transient");
    expect(classifyFailure(Object.assign(new Error("slow"), { name: "TimeoutError" }))).toBe("transient");
  });

  it("bounds the retries of what looks like a bug", () => {
    expect(classifyFailure(new TypeError("x is undefined"))).toBe("bug");
    expect(classifyFailure(remote("INTERNAL"))).toBe("bug");
    expect(classifyFailure("a string")).toBe("bug");
  });
});

describe("retryDelayFor", () => {
  it("backs off exponentially from the base delay", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayFor("bug", attempt, 100))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3].map((attempt) => retryDelayFor("transient", attempt, 100))).toEqual([100, 200, 400]);
  });

  it("asks a dependency that is away again at least twice a second, however long it has been gone", () => {
    expect(retryDelayFor("transient", 4, 100)).toBe(TRANSIENT_RETRY_CAP_MS);
    expect(retryDelayFor("transient", 40, 100)).toBe(TRANSIENT_RETRY_CAP_MS);
    expect(TRANSIENT_RETRY_CAP_MS).toBeLessThanOrEqual(500);
  });

  it("spaces out the bounded retries of a bug further", () => {
    expect(retryDelayFor("bug", 8, 100)).toBe(10_000);
  });
});
