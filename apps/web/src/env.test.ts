import { describe, expect, it } from "vitest";
import { readPublicConfig } from "./env";

describe("the client's endpoints", () => {
  it("defaults to this host's two gateways and im-repo", () => {
    expect(readPublicConfig({})).toEqual({
      apiUrl: "http://{host}:7000/trpc",
      gateways: [
        { id: "gw-1", url: "http://{host}:7001" },
        { id: "gw-2", url: "http://{host}:7002" },
      ],
      tracing: null,
    });
  });

  it("traces sends only when told where spans go, at a ratio between 0 and 1", () => {
    expect(
      readPublicConfig({
        GOCHAT_PUBLIC_TRACES_URL: "http://{host}:7318/v1/traces",
        GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: "1",
      }).tracing,
    ).toEqual({ url: "http://{host}:7318/v1/traces", sampleRatio: 1 });
    expect(readPublicConfig({ GOCHAT_PUBLIC_TRACES_URL: "http://t/v1/traces" }).tracing?.sampleRatio).toBe(
      0.1,
    );
    expect(() => readPublicConfig({ GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: "2" })).toThrow(
      /GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO/,
    );
    expect(() => readPublicConfig({ GOCHAT_PUBLIC_TRACES_URL: "ftp://x" })).toThrow(
      /GOCHAT_PUBLIC_TRACES_URL/,
    );
  });

  it("reads id=url pairs, and names a bad one", () => {
    expect(
      readPublicConfig({ GOCHAT_PUBLIC_GATEWAYS: " a=https://chat.example.com/gw-a , " }).gateways,
    ).toEqual([{ id: "a", url: "https://chat.example.com/gw-a" }]);
    expect(() => readPublicConfig({ GOCHAT_PUBLIC_GATEWAYS: "a:https://x" })).toThrow(
      /GOCHAT_PUBLIC_GATEWAYS/,
    );
    expect(() => readPublicConfig({ GOCHAT_PUBLIC_GATEWAYS: " , " })).toThrow(/at least one gateway/);
  });
});
