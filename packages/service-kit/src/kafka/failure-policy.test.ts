import { AppError, ContractError } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { classifyFailure } from "./failure-policy";

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
