import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchTarget {
  name: string;
  address: string;
  /** librdkafka's mock answers an empty fetch only after the full max wait, so it needs a short one. */
  consumerMaxWaitMs: number;
  stop(): Promise<void>;
}

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const BROKER_NODE_FLAGS = ["--initial-heap-size=256", "--import", "tsx"];

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not start: ${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once("exit", () => {
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The broker as its own process, as it runs beside the services, so clients do not share its event loop. */
export async function startBrokerTarget(): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), "kafka-broker-bench-"));
  // The same command line as `npm run broker`, heap flag included.
  const child = spawn(
    process.execPath,
    [...BROKER_NODE_FLAGS, "src/cli.ts", "--port", "0", "--data-dir", dataDir, "--partitions", "3"],
    {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const address = await waitForLine(child, /listening on (\S+) /, "kafka-broker");
  return {
    name: "kafka-broker",
    address,
    consumerMaxWaitMs: 5000,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startMockTarget(): Promise<BenchTarget> {
  const child = spawn(
    "kcat",
    ["-X", "test.mock.num.brokers=1", "-b", "x:1", "-C", "-t", "bench", "-d", "mock"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const address = await waitForLine(child, /bootstrap\.servers=(\S+)/, "librdkafka mock cluster");
  return { name: "librdkafka-mock", address, consumerMaxWaitMs: 1, stop: () => stopChild(child) };
}
