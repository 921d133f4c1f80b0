import { describe, expect, it } from "vitest";
import { WindowCounter } from "./window-counter";

describe("WindowCounter", () => {
  it("blocks a key at its limit until its window ends", () => {
    const counter = new WindowCounter({ limit: 2, windowMs: 1000 });
    counter.record("a", 0);
    expect(counter.blockedForMs("a", 10)).toBe(0);
    counter.record("a", 100);
    expect(counter.blockedForMs("a", 400)).toBe(600);
    expect(counter.blockedForMs("b", 400)).toBe(0);
    expect(counter.blockedForMs("a", 1000)).toBe(0);
  });

  it("forgets a key on reset", () => {
    const counter = new WindowCounter({ limit: 1, windowMs: 1000 });
    counter.record("a", 0);
    counter.reset("a");
    expect(counter.blockedForMs("a", 1)).toBe(0);
  });

  it("takes back a forgiven event", () => {
    const counter = new WindowCounter({ limit: 1, windowMs: 1000 });
    counter.record("a", 0);
    counter.forgive("a", 1);
    expect(counter.blockedForMs("a", 2)).toBe(0);
  });

  it("keeps at most maxKeys keys, dropping the oldest", () => {
    const counter = new WindowCounter({ limit: 1, windowMs: 1000, maxKeys: 2 });
    counter.record("a", 0);
    counter.record("b", 1);
    counter.record("c", 2);
    expect(counter.blockedForMs("a", 3)).toBe(0);
    expect(counter.blockedForMs("b", 3)).toBe(998);
    expect(counter.blockedForMs("c", 3)).toBe(999);
  });
});
