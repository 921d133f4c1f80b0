import { describe, expect, it } from "vitest";
import { FALLBACK_OVERLOAD_STEPS, overloadPlan, readSettings } from "../src/env";

const step = (rateMps: number, saturated: string | null = null) => ({ rateMps, saturated });

describe("overloadPlan", () => {
  const measured = readSettings({});

  it("offers the capacity the embedded steps found, twice it, then it again", () => {
    const plan = overloadPlan(measured, [
      step(500),
      step(1000),
      step(1500, "delivered 946/s < 90% of offered"),
    ]);
    expect(plan.steps).toEqual([1000, 2000, 1000]);
    expect(plan.basis).toContain("capacity 1000/s");
    // Twice capacity from 200 senders would be 10 a second each, the gateway's whole per-socket refill.
    expect(plan.pairs).toBe(267);
  });

  it("takes the highest unsaturated step even when a lower one saturated on a noisy moment", () => {
    const plan = overloadPlan(measured, [step(500, "p99 6000 ms > 5000 ms"), step(1000), step(2000, "x")]);
    expect(plan.steps).toEqual([1000, 2000, 1000]);
  });

  it("falls back to fixed rates when no step carried its load or none ran", () => {
    expect(overloadPlan(measured, [step(500, "saturated")]).steps).toEqual(FALLBACK_OVERLOAD_STEPS);
    const plan = overloadPlan(measured, undefined);
    expect(plan.steps).toEqual(FALLBACK_OVERLOAD_STEPS);
    expect(plan.basis).toContain("fixed rates");
  });

  it("keeps the rates and pairs it was given", () => {
    const given = readSettings({ BENCH_OVERLOAD_STEPS: "300,600,300", BENCH_PAIRS: "50" });
    const plan = overloadPlan(given, [step(1000)]);
    expect(plan).toEqual({ steps: [300, 600, 300], pairs: 50, basis: "BENCH_OVERLOAD_STEPS" });
  });
});
