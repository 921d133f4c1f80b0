import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args";

describe("parseCliArgs", () => {
  it("accepts a port and a data directory", () => {
    expect(parseCliArgs(["--port", "0", "--data-dir", "/tmp/x", "--partitions", "6"])).toEqual({
      options: expect.objectContaining({
        port: 0,
        dataDir: "/tmp/x",
        defaultPartitions: 6,
        host: "127.0.0.1",
      }) as unknown,
    });
  });

  it.each([
    [["--port", "0"], "--data-dir is required"],
    [["--port", "x", "--data-dir", "d"], "--port must be an integer"],
    [["--port", "70000", "--data-dir", "d"], "--port must be at most 65535"],
    [["--data-dir", "d", "--partitions", "0"], "--partitions must be at least 1"],
    [["--data-dir", "d", "--nope"], "Unknown option '--nope'"],
  ])("rejects %j with a clear message", (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect("error" in parsed && parsed.error).toContain(message);
  });
});
