import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_CREDENTIAL_HEADER, serviceCredential } from "@gochat/auth";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { runChatDemo } from "../src/demo/chat-demo";
import { freePortBlock } from "./free-port";
import { isAlive } from "./processes";

const dataDirs: string[] = [];
const backendDir = join(import.meta.dirname, "..");

// `npm start` runs the built start command, which runs the built services: that is what is tested.
beforeAll(() => {
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: backendDir, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
});

// A test that fails half-way leaves no system running behind it.
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const services = childrenOf(child.pid ?? 0);
    child.kill("SIGKILL");
    for (const pid of services) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
});

afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

/** Starts the built start command on free ports and waits until it reports everything up. */
async function startSystem() {
  const dataDir = await mkdtemp(join(tmpdir(), "gochat-start-"));
  dataDirs.push(dataDir);
  // The start command derives health ports from these (+100 and up), so they are picked with those free
  // and apart from each other's: a gateway's health port must not be analytics' or the broker's.
  const taken = new Set<number>();
  const repo = await freePortBlock([10, 100, 110, 111, 112, 113, 200], taken);
  const internal = repo + 10;
  const [gw1, gw2] = [await freePortBlock([100], taken), await freePortBlock([100], taken)];
  const broker = await freePortBlock([100], taken);
  const traces = await freePortBlock([], taken);
  const child = spawn(process.execPath, [join(backendDir, "dist/start.js")], {
    env: {
      ...process.env,
      KAFKA_BROKERS: "",
      DATABASE_URL: "",
      GOCHAT_DATA_DIR: dataDir,
      GOCHAT_BROKER_PORT: String(broker),
      GOCHAT_REPO_PORT: String(repo),
      GOCHAT_REPO_INTERNAL_PORT: String(internal),
      GOCHAT_GATEWAYS: `gw-a:${gw1},gw-b:${gw2}`,
      // The chat client has its own journeys (e2e/), which start it through this same command.
      GOCHAT_WEB_PORT: "0",
      GOCHAT_TRACE_STORE_PORT: String(traces),
      // The probe's own messages would join the demo's in analytics' count; it has tests of its own.
      GOCHAT_PROBE_INTERVAL_MS: "0",
      OTEL_TRACES_SAMPLER: "parentbased_always_on",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      GOCHAT_ADMIN_PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, as a terminal gives a command: Ctrl-C is sent to the whole group.
    detached: true,
  });
  started.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  const deadline = Date.now() + 90_000;
  while (!output.includes("Press Ctrl-C")) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`start command did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    exited,
    dataDir,
    output: () => output,
    ports: { broker, repo, internal, gw1, gw2, traces },
  };
}

/** The processes whose parent is `pid`, from /proc. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

it("starts the whole system on embedded defaults, carries a scripted chat, and stops on Ctrl-C", async () => {
  const { child, exited, dataDir, output: read, ports } = await startSystem();
  const { broker, repo, internal, gw1, gw2, traces } = ports;
  const output = read();
  expect(output).toContain(`Kafka        127.0.0.1:${broker}  (embedded broker`);
  expect(output).toContain(`im-repo      tRPC API on http://127.0.0.1:${repo}/trpc`);
  expect(output).toContain(`(internal API on http://127.0.0.1:${internal}/trpc)`);
  expect(output).toContain(`im-gateway   gw-b  socket.io on http://127.0.0.1:${gw2}`);
  expect(output).toContain(`analytics    GET http://127.0.0.1:${repo + 200}/stats`);

  // The embedded broker serves only clients holding the credentials generated into its data directory.
  const credentialsFile = join(dataDir, "kafka", "sasl-credentials.json");
  expect((await stat(credentialsFile)).mode & 0o077).toBe(0);
  const stranger = new Kafka({
    brokers: [`127.0.0.1:${broker}`],
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = stranger.admin();
  await admin.connect();
  await expect(admin.listTopics()).rejects.toThrow();
  await admin.disconnect();

  const result = await runChatDemo({
    repoUrl: `http://127.0.0.1:${repo}/trpc`,
    gatewayUrls: [`http://127.0.0.1:${gw1}`, `http://127.0.0.1:${gw2}`],
  });
  expect(result.delivered.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4]);
  expect(result.history.map((m) => m.seq)).toEqual([1, 2, 3, 4]);

  // Analytics follows the same topics; it counts the four messages and the two users.
  // /stats is for admins and services: present the credential derived from the secret in the data directory.
  const credential = serviceCredential((await readFile(join(dataDir, "token-secret"), "utf8")).trim());
  const deadlineStats = Date.now() + 20_000;
  let stats: { messages: { sent: number }; onlineUsers: number } | undefined;
  while (Date.now() < deadlineStats) {
    const response = await fetch(`http://127.0.0.1:${repo + 200}/stats`, {
      headers: { [SERVICE_CREDENTIAL_HEADER]: credential },
    });
    stats = (await response.json()) as typeof stats;
    if ((stats?.messages.sent ?? 0) >= 4) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(stats?.messages.sent).toBe(4);

  // The services no message waits on run at a lower CPU priority (GOCHAT_BACKGROUND_NICE, 10), the hot
  // path at the usual one, this process's.
  const usual = getPriority();
  const niceness: Record<string, number> = {};
  for (const pid of childrenOf(child.pid ?? 0)) {
    const entry = /dist\/([a-z]+)\.js/.exec(commandOf(pid))?.[1];
    if (entry !== undefined) niceness[entry] = getPriority(pid);
  }
  expect(niceness).toEqual({
    traces: 10,
    broker: usual,
    repo: usual,
    logic: usual,
    task: 10,
    notify: 10,
    analytics: 10,
    gateway: usual,
  });

  // Every service exports its spans to the embedded trace store, which finds them by service.
  expect(output).toContain(`traces       http://127.0.0.1:${traces}/api/traces`);
  const traced = new Set<string>();
  const deadlineTraces = Date.now() + 20_000;
  while (Date.now() < deadlineTraces && traced.size < 3) {
    for (const service of ["im-gateway", "im-logic", "im-repo"]) {
      const found = (await (
        await fetch(`http://127.0.0.1:${traces}/api/traces?service=${service}&limit=1`)
      ).json()) as { traces: unknown[] };
      if (found.traces.length > 0) traced.add(service);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect([...traced].sort()).toEqual(["im-gateway", "im-logic", "im-repo"]);

  // One message is one trace, from the sender's gateway through im-logic to the receiver's gateway,
  // every span a child of the one before it, although each service handled it in a batch.
  const message = result.delivered[0];
  expect(message).toBeDefined();
  const spans = await traceOfMessage(
    traces,
    message?.messageId ?? 0,
    (found) =>
      found.some((span) => span.name.startsWith("process gochat.messages.downstream.")) &&
      found.some((span) => span.service === "im-task" && span.name === "process gochat.messages.persist") &&
      found.some((span) => span.service === "analytics"),
  );
  const ids = new Set(spans.map((span) => span.spanId));
  expect(spans.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId))).toHaveLength(
    1,
  );
  const logic = spans.find(
    (span) => span.service === "im-logic" && span.name === "process gochat.messages.upstream",
  );
  expect(logic?.attributes).toMatchObject({
    "gochat.message_id": String(message?.messageId),
    "gochat.seq": message?.seq,
    "gochat.conversation_id": message?.conversationId,
    "gochat.outcome": "accepted",
  });
  const gateways = spans
    .filter((span) => span.service === "im-gateway")
    .map((span) => span.attributes["gochat.gateway_id"])
    .filter((id) => id !== undefined);
  expect(new Set(gateways)).toEqual(new Set(["gw-a", "gw-b"]));
  // The storage check belongs to the message's trace too.
  expect(
    spans.find((span) => span.service === "im-task" && span.name === "process gochat.messages.persist")
      ?.attributes,
  ).toMatchObject({ "gochat.message_id": String(message?.messageId), "gochat.seq": message?.seq });
  // So is analytics counting it, one span per record of its batch.
  expect(
    spans.find((span) => span.service === "analytics" && span.name === "process gochat.messages.persist")
      ?.attributes,
  ).toMatchObject({ "gochat.event_type": "message.sent" });
  // The produce hops are spans of the trace too.
  expect(spans.map((span) => span.name)).toEqual(
    expect.arrayContaining(["send gochat.messages.upstream", "send gochat.messages.persist"]),
  );
  // A batch consumer's records are traced once, in their messages' traces: the kafkajs instrumentation's
  // own batch spans, each a trace of its own, are not made (every root is sampled in this run).
  const logicTraces = (await (
    await fetch(`http://127.0.0.1:${traces}/api/traces?service=im-logic&limit=1000`)
  ).json()) as { traces: { rootName: string }[] };
  expect(
    logicTraces.traces.filter((t) => /^(poll|process) gochat\.messages\.upstream$/.test(t.rootName)),
  ).toEqual([]);

  // A service that dies is started again by the start command, and the chat goes on.
  const logicPid = childrenOf(child.pid ?? 0).find((pid) => commandOf(pid).includes("dist/logic.js"));
  expect(logicPid).toBeDefined();
  process.kill(logicPid ?? 0, "SIGKILL");
  const restartDeadline = Date.now() + 20_000;
  while (!read().includes("[start] im-logic was killed by SIGKILL; restarting it")) {
    if (Date.now() > restartDeadline) throw new Error(`im-logic was not restarted:\n${read().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = await runChatDemo({
    repoUrl: `http://127.0.0.1:${repo}/trpc`,
    gatewayUrls: [`http://127.0.0.1:${gw1}`, `http://127.0.0.1:${gw2}`],
  });
  expect(after.history.map((m) => m.seq)).toEqual([1, 2, 3, 4]);

  // Ctrl-C, as a terminal sends it: SIGINT to every process of the group. The services leave it to the
  // start command, which stops them in order, so none loses the broker or im-repo while it drains.
  process.kill(-(child.pid ?? 0), "SIGINT");
  expect(await exited).toBe(0);
  expect(read()).toContain("stopping GoChat");
  expect(read()).not.toContain("ECONNREFUSED");
}, 180_000);

it("restarts a service that keeps dying only so often, then stops the system and says why", async () => {
  const { child, exited, output: read } = await startSystem();
  const restarts = () => read().split("[start] im-logic was killed by SIGKILL; restarting it").length - 1;
  // Six deaths within a minute: five restarts, then it gives up.
  for (let death = 1; death <= 6; death++) {
    const deadline = Date.now() + 30_000;
    let logic: number | undefined;
    while (logic === undefined) {
      if (Date.now() > deadline)
        throw new Error(`no im-logic to kill (death ${death}):\n${read().slice(-2000)}`);
      logic = childrenOf(child.pid ?? 0).find((pid) => commandOf(pid).includes("dist/logic.js"));
      if (logic === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.kill(logic, "SIGKILL");
    while (death <= 5 && restarts() < death) {
      if (Date.now() > deadline) throw new Error(`im-logic was not restarted:\n${read().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  expect(await exited).toBe(1);
  expect(restarts()).toBe(5);
  expect(read()).toContain("[start] im-logic was killed by SIGKILL again; giving up");
  expect(read()).toContain("im-logic keeps exiting: stopping GoChat");
}, 180_000);

it("leaves no service running when the start command itself is killed", async () => {
  const { child, exited } = await startSystem();
  const services = childrenOf(child.pid ?? 0);
  expect(services.length).toBeGreaterThanOrEqual(7);
  child.kill("SIGKILL");
  await exited;
  // Each service notices that its supervisor is gone and stops by itself, within its shutdown deadline.
  const deadline = Date.now() + 30_000;
  while (services.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(services.filter(isAlive)).toEqual([]);
}, 180_000);

interface TracedSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** The one trace the trace store holds for a message, once `complete` says all of it has arrived. */
async function traceOfMessage(
  port: number,
  messageId: number,
  complete: (spans: TracedSpan[]) => boolean,
): Promise<TracedSpan[]> {
  const deadline = Date.now() + 20_000;
  let spans: TracedSpan[] = [];
  let traceIds: string[] = [];
  while (Date.now() < deadline) {
    const found = (await (
      await fetch(`http://127.0.0.1:${port}/api/traces?messageId=${messageId}`)
    ).json()) as { traces: { traceId: string }[] };
    traceIds = found.traces.map((t) => t.traceId);
    if (traceIds.length === 1) {
      spans = (
        (await (await fetch(`http://127.0.0.1:${port}/api/traces/${traceIds[0]}`)).json()) as {
          spans: TracedSpan[];
        }
      ).spans;
      if (complete(spans)) return spans;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `message ${messageId}: ${traceIds.length} traces, spans ${spans.map((s) => `${s.service}/${s.name}`).join(", ")}`,
  );
}
