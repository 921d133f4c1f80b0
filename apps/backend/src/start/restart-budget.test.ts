import { expect, it } from "vitest";
import { RestartBudget } from "./child-process";

it("restarts at once, then after doubling pauses, and gives up on a crash loop", () => {
  const budget = new RestartBudget({ maxRestarts: 4, windowMs: 60_000 });
  expect([0, 1_000, 2_000, 3_000].map((at) => budget.next("im-logic", at))).toEqual([0, 250, 500, 1_000]);
  expect(budget.next("im-logic", 4_000)).toBeUndefined();
  // Each service has its own budget.
  expect(budget.next("im-task", 4_000)).toBe(0);
});

it("forgets exits older than the window", () => {
  const budget = new RestartBudget({ maxRestarts: 2, windowMs: 10_000 });
  expect(budget.next("im-repo", 0)).toBe(0);
  expect(budget.next("im-repo", 5_000)).toBe(250);
  expect(budget.next("im-repo", 20_000)).toBe(0);
});
