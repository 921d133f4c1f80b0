import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig, type ViteUserConfig } from "vitest/config";

const printRuntime = fileURLToPath(new URL("./print-runtime.ts", import.meta.url));

/**
 * The one test configuration every workspace extends: tests sit next to the code (`*.test.ts`),
 * a JSON report lands in `test-results/` so the root test script can print one closing tally,
 * and each run names the Node.js it ran on.
 */
export function defineWorkspaceTestConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      test: {
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
        globalSetup: [printRuntime],
        reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
        testTimeout: 20_000,
        hookTimeout: 30_000,
      },
    }),
    overrides,
  );
}
