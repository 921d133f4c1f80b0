import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppRouter } from "@gochat/api";
import { runChatDemo } from "@gochat/backend/chat-demo";
import { planServices } from "@gochat/backend/service-plan";
import { readStartEnv } from "@gochat/backend/start-env";
import { createTRPCClient, httpLink } from "@trpc/client";
import { Kafka, logLevel } from "kafkajs";
import { io } from "socket.io-client";
import { afterAll, expect, it } from "vitest";
import { panelQueries } from "../src/dashboards/index";
import { prometheusConfig } from "../src/prometheus-config";
import { withoutGrafanaVariables } from "../src/promtool";

const repoRoot = join(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
let workDir = "";

afterAll(async () => {
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
  if (workDir !== "") await rm(workDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  detail: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      // A probe that knows the wait is hopeless says so; any other failure is retried.
      if (error instanceof Error && error.message.startsWith("the start command exited")) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const trpc = (url: string, token?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({ url, headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
    ],
  });

it("answers every dashboard panel's query from Prometheus scraping the running system", async () => {
  workDir = await mkdtemp(join(tmpdir(), "gochat-dashboards-"));
  const [broker, repo, internal, gw1, gw2, traces, prometheusPort] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const env = {
    ...process.env,
    KAFKA_BROKERS: "",
    DATABASE_URL: "",
    GOCHAT_DATA_DIR: join(workDir, "data"),
    GOCHAT_BROKER_PORT: String(broker),
    GOCHAT_REPO_PORT: String(repo),
    GOCHAT_REPO_INTERNAL_PORT: String(internal),
    GOCHAT_GATEWAYS: `gw-a:${gw1},gw-b:${gw2}`,
    GOCHAT_WEB_PORT: "0",
    // Neither app is scraped; the console would also race a build of apps/admin running beside this test.
    GOCHAT_ADMIN_PORT: "0",
    GOCHAT_TRACE_STORE_PORT: String(traces),
    LAG_SAMPLE_INTERVAL_MS: "1000",
    GOCHAT_PROBE_INTERVAL_MS: "1000",
    LOG_LEVEL: "warn",
    NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
  };
  // The built start command and services, as `npm start` runs them.
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], {
    cwd: join(repoRoot, "apps/backend"),
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
  const system = start(process.execPath, ["apps/backend/dist/start.js"], env);
  await until(
    "the system",
    async () => {
      if (system.child.exitCode !== null) throw new Error(`the start command exited:\n${system.output()}`);
      return system.output().includes("Press Ctrl-C") ? true : undefined;
    },
    240_000,
    system.output,
  );

  // Prometheus scrapes what the generated configuration names, every second.
  const config = prometheusConfig(planServices(readStartEnv(env)), {
    scrapeIntervalSeconds: 1,
    ruleFiles: [join(repoRoot, "observability/prometheus/rules/gochat.rules.yml")],
  });
  await mkdir(join(workDir, "tsdb"));
  await writeFile(join(workDir, "prometheus.yml"), config);
  const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  start(
    "prometheus",
    [
      `--config.file=${join(workDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(workDir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ],
    process.env,
  );
  await until(
    "Prometheus",
    async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined),
    30_000,
  );

  // Traffic that reaches every panel: a chat across both gateways, a friend request (a notification
  // pushed live), a refused send, and a record no consumer can decode (a dead letter).
  const repoUrl = `http://127.0.0.1:${repo}/trpc`;
  await runChatDemo({ repoUrl, gatewayUrls: [`http://127.0.0.1:${gw1}`, `http://127.0.0.1:${gw2}`] });
  const [asker, friend] = await Promise.all(
    ["asker", "friend"].map((name) =>
      trpc(repoUrl).auth.signUp.mutate({
        username: `${name}_live`,
        displayName: name,
        password: "live-password",
      }),
    ),
  );
  if (asker === undefined || friend === undefined) throw new Error("sign-up failed");
  const socket = io(`http://127.0.0.1:${gw2}`, {
    auth: { token: friend.accessToken },
    transports: ["websocket"],
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const notified = new Promise<void>((resolve) => socket.once("notification:new", () => resolve()));
  await trpc(repoUrl, asker.accessToken).friends.request.mutate({ userId: friend.user.id });
  await notified;
  const refused: unknown = await socket.timeout(10_000).emitWithAck("message:send", { nonsense: true });
  expect(refused).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  socket.disconnect();
  // The embedded broker admits holders of the credentials it generated into its data directory.
  const credentials = JSON.parse(
    await readFile(join(workDir, "data", "kafka", "sasl-credentials.json"), "utf8"),
  ) as { username: string; password: string };
  const kafka = new Kafka({
    clientId: "live-test",
    brokers: [`127.0.0.1:${broker}`],
    sasl: { mechanism: "plain", ...credentials },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: "gochat.messages.upstream", messages: [{ key: "x", value: "not json" }] });
  await producer.disconnect();

  const queries = panelQueries();
  const missing = new Set(queries.map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`));
  await until(
    "every panel query to return a series",
    async () => {
      for (const query of queries) {
        const key = `${query.dashboard} / ${query.panel}: ${query.expr}`;
        if (!missing.has(key)) continue;
        const url = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(withoutGrafanaVariables(query.expr))}`;
        const body = (await (await fetch(url)).json()) as { status: string; data: { result: unknown[] } };
        expect(body.status, key).toBe("success");
        if (body.data.result.length > 0) missing.delete(key);
      }
      return missing.size === 0 ? true : undefined;
    },
    90_000,
  ).catch(() => undefined);
  expect([...missing]).toEqual([]);
}, 480_000);
