import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startSmtpSink } from "@gochat/backend/smtp-sink";
import { inheritedEnv, readE2eEnv, shareKafkaCredentials, shareMailbox } from "./env";

const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);

/**
 * Brings up the whole of GoChat for the journeys, as `npm start` would but on its own ports and data
 * directory: the demo data is seeded first (with a 600-member group, over the super-large threshold of
 * 500), then the start command brings up the backend (embedded broker and database, every service, two
 * gateways), the built chat client and the built admin console. notification-service mails through a
 * local SMTP sink that refuses the first try at any `refuse-once…` address and keeps what it accepts in a
 * file the journeys read. Everything is stopped, and the data directory removed, when the run ends.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const { ports } = readE2eEnv();
  const dataDir = mkdtempSync(join(tmpdir(), "gochat-e2e-"));
  const logDir = join(import.meta.dirname, "..", "test-results");
  mkdirSync(logDir, { recursive: true });
  const env = { ...inheritedEnv(), GOCHAT_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  const started: ChildProcess[] = [];
  const mailbox = join(dataDir, "mailbox.jsonl");
  writeFileSync(mailbox, "");
  shareMailbox(mailbox);
  const smtp = await startSmtpSink({
    refuse: (address, attempt) => address.startsWith("refuse-once") && attempt === 1,
    onReceived: (mail) => appendFileSync(mailbox, `${JSON.stringify(mail)}\n`),
  });

  const stopAll = async () => {
    await Promise.all(started.map((child) => stop(child)));
    await smtp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    for (const app of ["web", "admin"]) {
      if (!existsSync(join(root, `apps/${app}/.next/BUILD_ID`))) {
        run("npm", ["run", "build", "--workspace", `@gochat/${app}`], env);
      }
    }
    run("npm", ["run", "db:seed", "--silent"], { ...env, GOCHAT_SEED_CROWD: "600" });
    run(bin("tsx"), [join(import.meta.dirname, "seed-history.ts")], env);

    const backend = launch(
      bin("tsx"),
      ["src/start.ts"],
      join(root, "apps/backend"),
      {
        ...env,
        GOCHAT_BROKER_PORT: String(ports.broker),
        GOCHAT_REPO_PORT: String(ports.repo),
        GOCHAT_GATEWAYS: ports.gateways.map((g) => `${g.id}:${g.port}`).join(","),
        // The start command serves the chat client too, pointed at these ports.
        GOCHAT_WEB_PORT: String(ports.web),
        // Every browser of the suite signs up from this one address.
        SIGNUP_MAX_PER_ADDRESS: "1000",
        GOCHAT_ADMIN_PORT: String(ports.admin),
        SMTP_URL: smtp.url,
        // A refused e-mail waits an hour for its automatic retry: the console's retry is what is tried.
        NOTIFY_EMAIL_RETRY_FIRST_DELAY_MS: "3600000",
        // Every trace kept, and exported within half a second: the traces journey looks one up.
        OTEL_TRACES_SAMPLER: "parentbased_always_on",
        OTEL_BSP_SCHEDULE_DELAY: "500",
      },
      join(logDir, "system.log"),
    );
    started.push(backend.child);
    await backend.waitFor(/GoChat is up/, 180_000);
    // The embedded broker takes SASL/PLAIN; journeys that talk to Kafka use the same credentials.
    shareKafkaCredentials(readFileSync(join(dataDir, "kafka", "sasl-credentials.json"), "utf8"));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

function run(command: string, args: string[], env: Record<string, string | undefined>): void {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

function launch(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  logFile: string,
) {
  const log = createWriteStream(logFile);
  // Its own process group, so stopping it reaches every process it started.
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => {
      log.write(chunk);
      output = (output + chunk.toString()).slice(-100_000);
      for (const waiter of waiters) waiter();
    });
  }
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolvePromise, reject) => {
      const check = () => {
        if (pattern.test(output)) finish(null);
      };
      const onExit = (code: number | null) => {
        finish(new Error(`${command} exited with ${code} before printing ${pattern}; see ${logFile}`));
      };
      const timer = setTimeout(() => {
        finish(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms; see ${logFile}`));
      }, timeoutMs);
      const finish = (error: Error | null) => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off("exit", onExit);
        if (error === null) resolvePromise();
        else reject(error);
      };
      waiters.add(check);
      child.once("exit", onExit);
      check();
    });
  return { child, waitFor };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, 20_000);
  await exited;
  clearTimeout(timer);
}
