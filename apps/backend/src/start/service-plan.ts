import type { ScalableService, StartEnv } from "./env";

/** One service process of `npm start`: what runs, where it is health-checked and scraped. */
export interface PlannedService {
  /** The process name, prefixed to its log lines: `im-gateway gw-1`. */
  name: string;
  /** The `service.name` it reports, and Prometheus's `job`. */
  service: string;
  /** `service.instance.id`: the gateway instance id, else the service name. */
  instance: string;
  /** Entrypoint, relative to apps/backend. */
  entry: string;
  /** Start order: lower tiers start first and stop last. */
  tier: 0 | 1 | 2 | 3;
  /** Serves /healthz, /readyz and (with `hasMetrics`) /metrics. */
  healthPort: number;
  /** Where the start command waits for it to be ready. */
  readyUrl: string;
  hasMetrics: boolean;
  /** Its own variables, on top of what every service gets. */
  env: Record<string, string>;
  /** Node.js flags of its own. */
  nodeFlags?: string[];
  /**
   * No message waits on it (see BACKGROUND_SERVICES): on one machine it runs at a lower CPU priority,
   * GOCHAT_BACKGROUND_NICE.
   */
  background: boolean;
  /** What the start command prints for it. */
  line: string;
}

/**
 * A gateway's young generation is held to 2 MB semi-spaces (V8 grows them to 16 MB while modules load,
 * and keeps them): 25 MB less resident with no sockets, for a few per cent more of the gateway's CPU
 * under load. The other services allocate more per message and keep V8's default.
 */
const GATEWAY_NODE_FLAGS = ["--max-semi-space-size=2"];

/**
 * The services no message waits on: im-task (which only checks that accepted messages are stored,
 * counts deliveries and pages super-large groups' fan-out), notification-service, analytics and the
 * embedded trace store. Every stage of the hot path takes the batch at hand as soon as it is done with
 * the last, so under load two cores are nearly always busy, and a gateway or im-logic woken by a fetch
 * would wait for a core behind one of these. At a lower priority they take what the hot path leaves,
 * and catch up as soon as it idles.
 */
const BACKGROUND_SERVICES: ReadonlySet<string> = new Set([
  "trace-store",
  "im-task",
  "notification-service",
  "analytics",
]);

/** analytics' `/stats` port: the API port + 200. */
export function analyticsPort(env: StartEnv): number {
  return env.GOCHAT_REPO_PORT + 200;
}

/** The embedded broker's health port: its Kafka port + 100. */
export function brokerHealthPort(env: StartEnv): number {
  return env.GOCHAT_BROKER_PORT + 100;
}

/** Where services export spans when the embedded trace store runs. */
export function traceStorePort(env: StartEnv): number {
  return env.GOCHAT_TRACE_STORE_PORT ?? env.GOCHAT_REPO_PORT + 318;
}

/**
 * Whether `npm start` runs the embedded trace store: unless it is turned off, or the environment already
 * names where spans go (a collector), in which case every service follows that environment instead.
 */
export function isTraceStoreEmbedded(env: StartEnv): boolean {
  return (
    env.GOCHAT_TRACE_STORE &&
    env.OTEL_TRACES_EXPORTER === undefined &&
    env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined &&
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined
  );
}

/** The port of im-repo's internal API: configured, or a fixed distance from its public one. */
export function repoInternalPortOf(env: StartEnv): number {
  return env.GOCHAT_REPO_INTERNAL_PORT ?? env.GOCHAT_REPO_PORT + 10;
}

/** im-repo's internal API (its own listener, loopback by default), which the other services call. */
export function repoUrlOf(env: StartEnv): string {
  return `http://127.0.0.1:${repoInternalPortOf(env)}/trpc`;
}

/**
 * Every service process `npm start` runs, in one list: the start command, the Prometheus configuration
 * and the documentation read it, so a service added here is started, scraped and listed alike. Health
 * ports sit a fixed distance from each service's own port, so several systems can run side by side.
 */
export function planServices(env: StartEnv): PlannedService[] {
  const repoPort = env.GOCHAT_REPO_PORT;
  const repoUrl = repoUrlOf(env);
  const plan: PlannedService[] = [];
  const countNote = (service: ScalableService) => {
    const count = env.GOCHAT_INSTANCES[service] ?? 1;
    return count === 1 ? "" : `, ${count} instances`;
  };
  const add = (
    service: Omit<PlannedService, "readyUrl" | "instance" | "hasMetrics" | "background"> &
      Partial<Pick<PlannedService, "readyUrl" | "instance" | "hasMetrics">>,
  ) => {
    plan.push({
      instance: service.service,
      readyUrl: `http://127.0.0.1:${service.healthPort}/readyz`,
      hasMetrics: true,
      background: BACKGROUND_SERVICES.has(service.service),
      ...service,
    });
  };

  if (isTraceStoreEmbedded(env)) {
    const port = traceStorePort(env);
    add({
      name: "trace-store",
      service: "trace-store",
      entry: "src/traces/main.ts",
      tier: 0,
      healthPort: 0,
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      hasMetrics: false,
      env: { TRACE_STORE_PORT: String(port) },
      line: `traces       http://127.0.0.1:${port}/api/traces  (embedded trace store, OTLP on /v1/traces)`,
    });
  }
  add({
    name: "im-repo",
    service: "im-repo",
    entry: "src/repo/main.ts",
    tier: 1,
    healthPort: repoPort + 100,
    env: { REPO_PORT: String(repoPort), REPO_INTERNAL_PORT: String(repoInternalPortOf(env)) },
    line: `im-repo      tRPC API on http://127.0.0.1:${repoPort}/trpc  (internal API on ${repoUrl})`,
  });
  // Extra instances of a scalable service answer on their own health ports: +120, +130 and +140 onwards.
  const instancesOf = (
    service: ScalableService,
    firstHealthPort: number,
    extraHealthBase: number,
    planned: Pick<PlannedService, "entry" | "line">,
  ) => {
    const count = env.GOCHAT_INSTANCES[service] ?? 1;
    for (let n = 1; n <= count; n++) {
      add({
        name: n === 1 ? service : `${service} ${n}`,
        service,
        ...(n === 1 ? {} : { instance: `${service}-${n}` }),
        entry: planned.entry,
        tier: 2,
        healthPort: n === 1 ? firstHealthPort : repoPort + extraHealthBase + n - 2,
        // Each instance is its own Kafka client in the shared consumer groups.
        env: { REPO_URL: repoUrl, ...(n === 1 ? {} : { KAFKA_CLIENT_ID: `gochat-${n}` }) },
        line: n === 1 ? planned.line : `${`${service} ${n}`.padEnd(13)}another instance in the same groups`,
      });
    }
  };
  instancesOf("im-logic", repoPort + 110, 120, {
    entry: "src/logic/main.ts",
    line: `im-logic     consuming gochat.messages.upstream (logic.upstream.group)${countNote("im-logic")}`,
  });
  instancesOf("im-task", repoPort + 111, 130, {
    entry: "src/task/main.ts",
    line: `im-task      persist, fan-out and downstream.* consumers (task.*.group)${countNote("im-task")}`,
  });
  instancesOf("notification-service", repoPort + 113, 140, {
    entry: "src/notify/main.ts",
    line: `notify       inbox, live push${env.SMTP_URL === undefined ? "" : " and e-mail (SMTP_URL)"} (notification.delivery.group)${countNote("notification-service")}`,
  });
  const statsPort = analyticsPort(env);
  add({
    name: "analytics",
    service: "analytics",
    entry: "src/analytics/main.ts",
    tier: 2,
    healthPort: repoPort + 112,
    env: { ANALYTICS_PORT: String(statsPort) },
    line: `analytics    GET http://127.0.0.1:${statsPort}/stats (analytics.events.group)`,
  });
  for (const { instanceId, port } of gatewaysOf(env)) {
    add({
      name: `im-gateway ${instanceId}`,
      service: "im-gateway",
      instance: instanceId,
      entry: "src/gateway/main.ts",
      tier: 3,
      healthPort: port + 100,
      env: { REPO_URL: repoUrl, GATEWAY_INSTANCE_ID: instanceId, GATEWAY_PORT: String(port) },
      nodeFlags: GATEWAY_NODE_FLAGS,
      line: `im-gateway   ${instanceId}  socket.io on http://127.0.0.1:${port}`,
    });
  }
  const gateways = gatewaysOf(env);
  if (env.GOCHAT_PROBE_INTERVAL_MS > 0) {
    add({
      name: "pipeline-probe",
      service: "pipeline-probe",
      entry: "src/probe/main.ts",
      tier: 3,
      healthPort: repoPort + 114,
      env: {
        // The probe is a client: it signs in and opens conversations on the public API.
        PROBE_API_URL: `http://127.0.0.1:${repoPort}/trpc`,
        PROBE_GATEWAY_URLS: gateways.map(({ port }) => `http://127.0.0.1:${port}`).join(","),
        PROBE_INTERVAL_MS: String(env.GOCHAT_PROBE_INTERVAL_MS),
      },
      line: `probe        a message through ${gateways.length > 1 ? "two gateways" : "the gateway"} every ${env.GOCHAT_PROBE_INTERVAL_MS / 1000} s (gochat.probe.*)`,
    });
  }
  return plan;
}

export function gatewaysOf(env: StartEnv): { instanceId: string; port: number }[] {
  return env.GOCHAT_GATEWAYS.map((entry) => {
    const [instanceId = "", port = ""] = entry.split(":");
    return { instanceId, port: Number(port) };
  });
}
