import { existsSync } from "node:fs";
import { join } from "node:path";
import { TOPICS } from "@gochat/contracts";
import { deployMigrations, locateSchema } from "@gochat/db/server";
import {
  createKafkaClient,
  createLogger,
  ensureTopics,
  fixedTopicNames,
  kafkaSecurityFrom,
} from "@gochat/service-kit";
import { loadOrCreateBrokerCredentials } from "./broker-credentials";
import { inheritedEnv, type StartEnv } from "./env";
import {
  describeExit,
  lowerPriority,
  RestartBudget,
  spawnProcess,
  spawnService,
  stopService,
  waitUntilReady,
  type ServiceProcess,
} from "./child-process";
import { rootSampleRatio, telemetryEnv } from "@gochat/telemetry/env";
import {
  analyticsPort,
  brokerHealthPort,
  gatewaysOf,
  isTraceStoreEmbedded,
  planServices,
  traceStorePort,
} from "./service-plan";
import { loadOrCreateTokenSecret } from "./token-secret";

export interface RunningSystem {
  /**
   * Resolves with the name of a service that keeps exiting. One that exits on its own is restarted (see
   * RestartBudget); only a crash loop resolves this.
   */
  gaveUp: Promise<string>;
  /** Stops the services tier by tier, each within its deadline, then the broker. */
  stop(): Promise<void>;
  /** Kills every service process at once (a second Ctrl-C). */
  kill(): void;
}

/**
 * How long each tier may take to stop before its processes are killed: gateways close sockets and drain
 * their queues, the workers finish the batch in hand, im-repo closes the database. Bounded, so that a
 * stop under overload never takes more than about 25 s in all.
 */
const STOP_DEADLINE_MS: Record<number, number> = { 3: 5_000, 2: 10_000, 1: 10_000, 0: 5_000, [-1]: 5_000 };

/**
 * Brings GoChat up on one machine: the embedded broker and database unless real ones are configured, the
 * topic catalogue, then each service as its own process. Prints where everything listens.
 */
export async function startSystem(
  env: StartEnv,
  paths: { repoRoot: string; dataDir: string },
  signal?: AbortSignal,
): Promise<RunningSystem> {
  const logger = createLogger({ service: "gochat-start", level: env.LOG_LEVEL });
  const lines: string[] = [];
  const services: ServiceProcess[] = [];
  // Stopped in the reverse order of their dependencies: gateways first (no new messages), then im-logic
  // and im-task, then im-repo, which the others call while they stop, then the trace store, which
  // receives the spans of every stop, then the embedded broker (tier -1).
  const tiers = new Map<ServiceProcess, number>();
  /** How to start each process again. */
  const starters = new Map<ServiceProcess, () => ServiceProcess>();
  let stopping = false;
  // A function, not the variable, where it is read after an await: the stop may have begun meanwhile.
  const isStopping = () => stopping;
  const launch = (start: () => ServiceProcess, tier: number): ServiceProcess => {
    const service = start();
    services.push(service);
    tiers.set(service, tier);
    starters.set(service, start);
    return service;
  };
  const stop = async () => {
    stopping = true;
    for (const tier of [3, 2, 1, 0, -1]) {
      await Promise.all(
        services.filter((s) => tiers.get(s) === tier).map((s) => stopService(s, STOP_DEADLINE_MS[tier])),
      );
    }
  };
  const kill = () => {
    for (const service of services) service.child.kill("SIGKILL");
  };
  try {
    return await bringUp();
  } catch (error) {
    // Nothing started so far may outlive a failed start.
    await stop();
    throw error;
  }

  async function bringUp(): Promise<RunningSystem> {
    const withSignal = signal === undefined ? {} : { signal };
    let brokers = env.KAFKA_BROKERS;
    // A real cluster's SASL/TLS settings come from the environment, which every service inherits.
    let kafkaSecurity = kafkaSecurityFrom(env, "gochat start");
    let brokerEnv: Record<string, string> = {};
    if (brokers === undefined) {
      const brokerDir = join(paths.dataDir, "kafka");
      const credentials = await loadOrCreateBrokerCredentials(brokerDir);
      const address = `127.0.0.1:${env.GOCHAT_BROKER_PORT}`;
      // Its own process, supervised like the services: a broker that dies is started again on the same
      // data directory and port, and every client reconnects to it.
      const healthPort = brokerHealthPort(env);
      const brokerProcess = launch(
        () =>
          spawnService(
            "kafka-broker",
            "src/broker/main.ts",
            {
              ...inheritedEnv(),
              LOG_LEVEL: env.LOG_LEVEL,
              HEALTH_PORT: String(healthPort),
              GOCHAT_SUPERVISOR_PID: String(process.pid),
              BROKER_PORT: String(env.GOCHAT_BROKER_PORT),
              BROKER_DATA_DIR: brokerDir,
              BROKER_SASL_USERNAME: credentials.username,
              BROKER_SASL_PASSWORD: credentials.password,
            },
            join(paths.repoRoot, "apps/backend"),
          ),
        -1,
      );
      await waitUntilReady(`http://127.0.0.1:${healthPort}/readyz`, brokerProcess, withSignal);
      kafkaSecurity = { sasl: { mechanism: "plain", ...credentials } };
      brokerEnv = {
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_SASL_USERNAME: credentials.username,
        KAFKA_SASL_PASSWORD: credentials.password,
        KAFKA_SSL: "false",
      };
      brokers = [address];
      lines.push(
        `Kafka        ${address}  (embedded broker, SASL/PLAIN, data in ${brokerDir}, health on ${healthPort})`,
      );
    } else {
      lines.push(`Kafka        ${brokers.join(",")}  (KAFKA_BROKERS)`);
    }

    const kafka = createKafkaClient({ brokers, clientId: "gochat-start", logger, security: kafkaSecurity });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, fixedTopicNames(), { partitions: 3, replicationFactor: 1 });
    await admin.disconnect();
    lines.push(
      `Topics       ${Object.values(TOPICS).length - 1} fixed topics + one downstream topic per gateway`,
    );

    // PGlite has one owner, im-repo, which applies migrations as it opens it; a PostgreSQL server is
    // migrated here first, as a release step would.
    if (env.DATABASE_URL === undefined) {
      lines.push(`PostgreSQL   embedded PGlite in ${join(paths.dataDir, "pglite")}  (owned by im-repo)`);
    } else {
      const applied = await deployMigrations(
        { kind: "postgres", url: env.DATABASE_URL },
        { location: locateSchema() },
      );
      lines.push(`PostgreSQL   DATABASE_URL  (migrations applied now: ${applied.length})`);
    }

    const tokenSecret = env.GOCHAT_TOKEN_SECRET ?? (await loadOrCreateTokenSecret(paths.dataDir));
    const backendDir = join(paths.repoRoot, "apps/backend");
    const webOrigins = env.GOCHAT_WEB_ORIGINS ?? [
      `http://localhost:${env.GOCHAT_WEB_PORT}`,
      `http://127.0.0.1:${env.GOCHAT_WEB_PORT}`,
    ];
    const corsOrigins = webOrigins === true ? "*" : webOrigins.join(",");
    const shared = {
      // The chat client's origins, unless the environment names the services' own settings.
      REPO_CORS_ORIGINS: corsOrigins,
      GATEWAY_CORS_ORIGINS: corsOrigins,
      // The browser posts the spans of its sends to the embedded trace store.
      TRACE_STORE_CORS_ORIGINS: corsOrigins,
      ...inheritedEnv(),
      ...brokerEnv,
      ...telemetryEnvOf(env),
      KAFKA_BROKERS: brokers.join(","),
      GOCHAT_TOKEN_SECRET: tokenSecret,
      GOCHAT_DATA_DIR: paths.dataDir,
      // Each service stops by itself if this process dies, however it dies.
      GOCHAT_SUPERVISOR_PID: String(process.pid),
      LOG_LEVEL: env.LOG_LEVEL,
    };
    const readiness: { url: string; service: ServiceProcess }[] = [];
    const plan = planServices(env);
    for (const planned of plan) {
      const service = launch(() => {
        const started = spawnService(
          planned.name,
          planned.entry,
          { ...shared, ...planned.env, HEALTH_PORT: String(planned.healthPort) },
          backendDir,
          planned.nodeFlags,
        );
        if (planned.background) lowerPriority(started, env.GOCHAT_BACKGROUND_NICE);
        return started;
      }, planned.tier);
      lines.push(planned.line);
      // The trace store receives every other service's spans and im-repo keeps their state: each tier
      // below the services' own must be ready before the next starts.
      if (planned.tier <= 1) await waitUntilReady(planned.readyUrl, service, withSignal);
      else readiness.push({ url: planned.readyUrl, service });
    }
    if (!isTraceStoreEmbedded(env) && env.OTEL_TRACES_EXPORTER !== "none") {
      lines.push(
        `traces       ${env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "as OTEL_TRACES_EXPORTER says"}  (OTEL_* environment)`,
      );
    }

    // The chat client, served from its production build, pointed at this system's API and gateways.
    if (env.GOCHAT_WEB_PORT !== 0) {
      const webDir = join(paths.repoRoot, "apps/web");
      if (!existsSync(join(webDir, ".next/BUILD_ID"))) {
        lines.push("web client   not built: run `npm run build` (npm start builds it first)");
      } else {
        const gateways = gatewaysOf(env).map(({ instanceId, port }) => `${instanceId}=http://{host}:${port}`);
        const web = launch(
          () =>
            spawnProcess(
              "web",
              join(paths.repoRoot, "node_modules/.bin/next"),
              ["start", "--port", String(env.GOCHAT_WEB_PORT)],
              {
                ...shared,
                GOCHAT_PUBLIC_API_URL:
                  env.GOCHAT_PUBLIC_API_URL ?? `http://{host}:${env.GOCHAT_REPO_PORT}/trpc`,
                GOCHAT_PUBLIC_GATEWAYS: env.GOCHAT_PUBLIC_GATEWAYS ?? gateways.join(","),
                // The browser starts each message's trace and sends its span to the embedded trace store,
                // keeping the share of traces the services would (unless told otherwise).
                ...(isTraceStoreEmbedded(env)
                  ? {
                      GOCHAT_PUBLIC_TRACES_URL:
                        env.GOCHAT_PUBLIC_TRACES_URL ?? `http://{host}:${traceStorePort(env)}/v1/traces`,
                      GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: String(
                        env.GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO ?? rootSampleRatio(telemetryEnv(shared)),
                      ),
                    }
                  : {}),
              },
              webDir,
            ),
          3,
        );
        readiness.push({ url: `http://127.0.0.1:${env.GOCHAT_WEB_PORT}/sign-in`, service: web });
        lines.push(`web client   http://localhost:${env.GOCHAT_WEB_PORT}  (apps/web)`);
      }
    }

    // The admin console: Kafka through the admin API, everything else through im-repo and the health ports.
    if (env.GOCHAT_ADMIN_PORT !== 0) {
      const adminDir = join(paths.repoRoot, "apps/admin");
      if (!existsSync(join(adminDir, ".next/BUILD_ID"))) {
        lines.push("admin        not built: run `npm run build` (npm start builds it first)");
      } else {
        // Where each answers /readyz and /metrics: its health port, or its own port (the trace store).
        const healthUrls = plan.map((planned) => `${planned.name}=${new URL(planned.readyUrl).origin}`);
        const adminConsole = launch(
          () =>
            spawnProcess(
              "admin",
              join(paths.repoRoot, "node_modules/.bin/next"),
              ["start", "--port", String(env.GOCHAT_ADMIN_PORT)],
              {
                ...shared,
                GOCHAT_REPO_URL: `http://127.0.0.1:${env.GOCHAT_REPO_PORT}/trpc`,
                GOCHAT_TRACE_STORE_URL: `http://127.0.0.1:${traceStorePort(env)}`,
                GOCHAT_ANALYTICS_URL: `http://127.0.0.1:${analyticsPort(env)}`,
                GOCHAT_ADMIN_SERVICES: healthUrls.join(","),
              },
              adminDir,
            ),
          3,
        );
        readiness.push({ url: `http://127.0.0.1:${env.GOCHAT_ADMIN_PORT}/sign-in`, service: adminConsole });
        lines.push(`admin        http://localhost:${env.GOCHAT_ADMIN_PORT}  (apps/admin, admins only)`);
      }
    }

    // The first failure stops the other polls, so the failed start is reported and cleaned up at once.
    const polls = new AbortController();
    const abortPolls = () => {
      polls.abort();
    };
    signal?.addEventListener("abort", abortPolls);
    try {
      await Promise.all(
        readiness.map(({ url, service }) => waitUntilReady(url, service, { signal: polls.signal })),
      );
    } catch (error) {
      polls.abort();
      throw error;
    } finally {
      signal?.removeEventListener("abort", abortPolls);
    }
    console.log(
      [
        "",
        "GoChat is up:",
        ...lines.map((line) => `  ${line}`),
        "",
        "Press Ctrl-C to stop everything.",
        "",
      ].join("\n"),
    );

    // From here on a service that exits on its own is started again, like a process supervisor would.
    let giveUp: (name: string) => void = () => undefined;
    const gaveUp = new Promise<string>((resolve) => (giveUp = resolve));
    const budget = new RestartBudget({ maxRestarts: 5, windowMs: 60_000 });
    const supervise = (service: ServiceProcess) => {
      void service.exited.then(async (code) => {
        if (isStopping()) return;
        const pause = budget.next(service.name, Date.now());
        const start = starters.get(service);
        if (pause === undefined || start === undefined) {
          console.log(`[start] ${service.name} ${describeExit(service, code)} again; giving up`);
          giveUp(service.name);
          return;
        }
        console.log(`[start] ${service.name} ${describeExit(service, code)}; restarting it`);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        if (isStopping()) return;
        const tier = tiers.get(service) ?? 3;
        services.splice(services.indexOf(service), 1);
        tiers.delete(service);
        starters.delete(service);
        supervise(launch(start, tier));
      });
    };
    for (const service of services) supervise(service);
    return { gaveUp, stop, kill };
  }
}

/**
 * The OpenTelemetry variables every service gets: with the embedded trace store, spans are exported to it
 * over OTLP/HTTP protobuf; otherwise the services follow the `OTEL_*` environment as it is.
 */
function telemetryEnvOf(env: StartEnv): Record<string, string> {
  if (!isTraceStoreEmbedded(env)) return {};
  return {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${traceStorePort(env)}/v1/traces`,
  };
}
