// Runs every workspace's checks through Turbo, then prints one closing tally from the JSON reports the
// test runs leave in `<workspace>/test-results/vitest.json`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const roots = ["apps", "packages", "tooling"];
const workspaces = [
  ...roots.flatMap((root) => (existsSync(root) ? readdirSync(root).map((name) => join(root, name)) : [])),
  "e2e",
];
for (const ws of workspaces) rmSync(join(ws, "test-results"), { recursive: true, force: true });

console.log(`Running tests on Node.js ${process.version}`);
// As many tasks at once as there are cores: the suites start brokers, databases and WASM engines, and
// oversubscribing the machine only turns their timings into timeouts.
const concurrency = String(Math.max(2, availableParallelism()));
const turbo = spawnSync(
  "turbo",
  [
    "run",
    "typecheck",
    "lint",
    "test",
    "--continue",
    `--concurrency=${concurrency}`,
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      TURBO_TELEMETRY_DISABLED: "1",
      FORCE_COLOR: process.env.FORCE_COLOR ?? "0",
      // kafkajs 2.2.4 sets a negative timer on Node 24 (tulios/kafkajs#1751), which Node clamps to 1 ms.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, "--disable-warning=TimeoutNegativeWarning"]
        .filter(Boolean)
        .join(" "),
    },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
// Playwright's JSON report: expected = passed, unexpected = failed, flaky passed only on a retry.
const journeys = join("e2e", "test-results", "playwright.json");
if (existsSync(journeys)) {
  const { stats } = JSON.parse(readFileSync(journeys, "utf8"));
  passed += stats.expected;
  failed += stats.unexpected + stats.flaky;
  skipped += stats.skipped;
  console.log(`  e2e (Playwright): ${stats.expected} passed, ${stats.unexpected + stats.flaky} failed`);
}
for (const ws of workspaces) {
  const report = join(ws, "test-results", "vitest.json");
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, "utf8"));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  console.log(`  ${ws}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
}
const status = turbo.status ?? 1;
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
