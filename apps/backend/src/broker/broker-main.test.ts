import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePortBlock } from "../../test/free-port";

const PASSWORD = "a-broker-password-of-at-least-32-chars";
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gochat-broker-main-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The broker's entrypoint as the start command runs it from source, with its output collected. */
function startBrokerProcess(port: number, healthPort: number) {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "main.ts")], {
    env: {
      ...process.env,
      BROKER_PORT: String(port),
      BROKER_DATA_DIR: dataDir,
      BROKER_SASL_USERNAME: "gochat",
      BROKER_SASL_PASSWORD: PASSWORD,
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, output: () => output };
}

it("serves Kafka with SASL once ready, and stops cleanly on SIGTERM", async () => {
  const taken = new Set<number>();
  const [port, healthPort] = [await freePortBlock([], taken), await freePortBlock([], taken)];
  const broker = startBrokerProcess(port, healthPort);
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (broker.child.exitCode !== null) throw new Error(broker.output());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${port}`],
    clientId: "broker-main-test",
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: "plain", username: "gochat", password: PASSWORD },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "checked", numPartitions: 1 }] });
  expect(await admin.listTopics()).toContain("checked");
  await admin.disconnect();
  broker.child.kill("SIGTERM");
  expect(await broker.exited).toBe(0);
}, 60_000);

it("names the port and the process holding it when the broker's port is taken", async () => {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const address = holder.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  const broker = startBrokerProcess(address.port, await freePortBlock([], new Set([address.port])));
  expect(await broker.exited).toBe(1);
  expect(broker.output()).toContain(
    `the embedded Kafka broker (GOCHAT_BROKER_PORT) cannot listen on 127.0.0.1:${address.port}: the port is in use by pid ${process.pid}`,
  );
  await new Promise<void>((resolve) => holder.close(() => resolve()));
}, 60_000);
