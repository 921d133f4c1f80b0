// Runs every workspace's checks through Turbo, then prints one closing tally from the JSON reports the
// test runs leave in `<workspace>/test-results/vitest.json`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const roots = ["apps", "packages", "tooling"];
const workspaces = roots.flatMap((root) =>
  existsSync(root) ? readdirSync(root).map((name) => join(root, name)) : [],
);
for (const ws of workspaces) rmSync(join(ws, "test-results"), { recursive: true, force: true });

console.log(`Running tests on Node.js ${process.version}`);
const turbo = spawnSync(
  "turbo",
  ["run", "typecheck", "lint", "test", "--continue", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.FORCE_COLOR ?? "0" },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
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
