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
    });
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
