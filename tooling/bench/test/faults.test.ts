import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

let workDir: string | undefined;
afterAll(async () => {
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

/**
 * The short form of `npm run faults`: four SIGKILLs under chat traffic (direct chats and groups with a
 * member on each gateway), each on a fresh system, the
 * killed process restarted by the start command: im-logic, im-repo, the second of two im-task
 * instances (whose partitions move to the other and back) and the embedded broker. What is checked are the guarantees, not the timings (those are the
 * suite's figures): everything acknowledged stored once with contiguous seqs and delivered, every send
 * acknowledged in the end, every killed service ready again.
 */
it("loses nothing and acknowledges every send when im-logic, im-repo, one of two im-tasks or the broker is killed", async () => {
  workDir = await mkdtemp(join(tmpdir(), "gochat-faults-test-"));
  const output = join(workDir, "faults.json");
  const child = spawn(process.execPath, ["--import", "tsx", "src/faults/run.ts"], {
    cwd: join(import.meta.dirname, ".."),
    env: {
      ...process.env,
      FAULTS_SCENARIOS: "im-logic,im-repo,im-task 2,kafka-broker",
      FAULTS_RATE: "20",
      FAULTS_PAIRS: "10",
      FAULTS_GROUPS: "3",
      FAULTS_BEFORE_MS: "2000",
      FAULTS_AFTER_MS: "8000",
      FAULTS_PORT_BASE: "23500",
      FAULTS_OUTPUT: output,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code, log).toBe(0);
  const report = JSON.parse(await readFile(output, "utf8")) as {
    results: {
      scenario: string;
      readyAfterMs: number | null;
      check: Record<string, number>;
    }[];
    failures: string[];
  };
  expect(report.failures).toEqual([]);
  expect(report.results.map((r) => r.scenario)).toEqual(["im-logic", "im-repo", "im-task 2", "kafka-broker"]);
  for (const result of report.results) {
    expect(result.readyAfterMs, result.scenario).not.toBeNull();
    expect(result.check.acked, result.scenario).toBe(result.check.sent);
    expect(result.check, result.scenario).toMatchObject({
      neverAcked: 0,
      lost: 0,
      undelivered: 0,
      storedTwice: 0,
      seqGaps: 0,
      acksWithWrongSeq: 0,
    });
  }
}, 600_000);
