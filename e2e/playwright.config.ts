import { defineConfig } from "@playwright/test";
import { readE2eEnv } from "./support/env";

const { ports, chromiumPath } = readE2eEnv();

/**
 * The journeys share one running system (support/global-setup.ts) and run one at a time; each drives
 * several browser contexts, one per person. Chromium is Debian's (`.ci/run` installs it); Playwright's
 * own browser download is not used.
 */
export default defineConfig({
  testDir: "tests",
  globalSetup: "./support/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  outputDir: "test-results/artifacts",
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${ports.web}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
