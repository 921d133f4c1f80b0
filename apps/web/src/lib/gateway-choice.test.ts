import { describe, expect, it } from "vitest";
import { nextGateway, pickGateway, resolveHost } from "./gateway-choice";
import { negotiateLang } from "./messages";
import { interpolate } from "./i18n";

const gateways = [
  { id: "gw-1", url: "http://{host}:7001" },
  { id: "gw-2", url: "http://{host}:7002" },
];

describe("gateway choice", () => {
  it("honours a requested instance, then the tab's remembered one, then spreads at random", () => {
    expect(pickGateway(gateways, { requested: "gw-2", remembered: "gw-1", random: 0 }).id).toBe("gw-2");
    expect(pickGateway(gateways, { requested: "nope", remembered: "gw-1", random: 0.9 }).id).toBe("gw-1");
    expect(pickGateway(gateways, { requested: null, remembered: null, random: 0.2 }).id).toBe("gw-1");
    expect(pickGateway(gateways, { requested: null, remembered: null, random: 0.7 }).id).toBe("gw-2");
  });

  it("fails over round the list", () => {
    expect(nextGateway(gateways, { id: "gw-2", url: "http://{host}:7002" }).id).toBe("gw-1");
  });

  it("puts the page's host into endpoint templates", () => {
    expect(resolveHost("http://{host}:7001", "chat.example.com")).toBe("http://chat.example.com:7001");
  });
});

describe("languages", () => {
  it("prefers the cookie, then the browser's first language", () => {
    expect(negotiateLang("zh", "en-GB,en")).toBe("zh");
    expect(negotiateLang(undefined, "zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh");
    expect(negotiateLang(undefined, "fr-FR")).toBe("en");
    expect(negotiateLang("xx", null)).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(interpolate("{name} is typing… {other}", { name: "Ann" })).toBe("Ann is typing… {other}");
  });
});
