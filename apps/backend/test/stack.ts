import { DEFAULT_AUTH_LIMITS, type AppRouter } from "@gochat/api";
import type { ChatMessageView, ClientToServerEvents, ServerToClientEvents } from "@gochat/contracts";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { createLogger, type RunningService } from "@gochat/service-kit";
import { createTRPCClient, httpLink } from "@trpc/client";
import { join } from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { startGatewayService, type RunningGateway } from "../src/gateway/gateway-service";
import { startLogicService } from "../src/logic/logic-service";
import { createMailer } from "../src/notify/mailer";
import { startNotificationService, type EmailRetryPolicy } from "../src/notify/notification-service";
import { startRepoService, type RunningRepo } from "../src/repo/repo-service";
import { spawnService, waitUntilReady, type ServiceProcess } from "../src/start/child-process";
import { startTaskService, type RunningTask } from "../src/task/task-service";
import { freePortBlock } from "./free-port";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export const STACK_SECRET = "pipeline-test-secret-of-32-bytes!";
const logger = createLogger({ service: "stack", level: "silent" });

/**
 * The whole backend in one process on real parts: the embedded broker, im-repo on an in-memory PGlite,
 * im-logic, im-task and gateways, each started as its entrypoint would start it.
 */
/** Limits no test reaches unless it means to: a slow test machine must not look like overload. */
const RELAXED_OVERLOAD = { maxPendingSends: 10_000, overdueAfterMs: 10_000, overdueSends: 1_000 };
const SESSION_TIMEOUT_MS = 6_000;
const FANOUT_PAGE_SIZE = 2;
const backendDir = join(import.meta.dirname, "..");

/** The services that share their work through consumer groups, by their entrypoints. */
const ENTRYPOINTS = { "im-logic": "src/logic/main.ts", "im-task": "src/task/main.ts" } as const;
export type MemberService = keyof typeof ENTRYPOINTS;

export async function startStack(options: {
  gateways: string[];
  topicRefreshMs?: number;
  smtpUrl?: string;
  emailRetry?: EmailRetryPolicy;
  overload?: { maxPendingSends: number; overdueAfterMs: number; overdueSends: number };
}) {
  const broker: TemporaryBroker = await startTemporaryBroker();
  const kafka = (clientId: string) => ({
    brokers: broker.brokers,
    clientId,
    topicPartitions: 3,
    replicationFactor: 1,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
  });
  const repo: RunningRepo = await startRepoService(
    {
      kafka: kafka("stack-repo"),
      tokenSecret: STACK_SECRET,
      host: "127.0.0.1",
      port: 0,
      databaseUrl: undefined,
      dataDir: "memory://",
      poolSize: 1,
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlMs: 3_600_000,
      corsOrigins: true,
      // Tests sign many users up from one address, at a cheap scrypt cost; both have tests of their own.
      passwordCost: { N: 1024, r: 8, p: 1 },
      authLimits: { ...DEFAULT_AUTH_LIMITS, signUpsPerAddress: 10_000, signInFailuresPerAddress: 10_000 },
      presenceTtlMs: 3_000,
      presenceSweepMs: 500,
      recallWindowMs: 60_000,
    },
    logger,
  );
  /** im-repo's internal listener, where the services call `internal.*`. */
  const repoUrl = `http://127.0.0.1:${repo.internalPort}/trpc`;
  /** im-repo's public listener, where clients call the API. */
  const publicApiUrl = `http://127.0.0.1:${repo.port}/trpc`;
  const topicRefreshMs = options.topicRefreshMs ?? 60_000;
  const startLogic = (clientId = "stack-logic") =>
    startLogicService(
      { kafka: kafka(clientId), tokenSecret: STACK_SECRET, repoUrl, partitionsConcurrently: 3 },
      logger,
    );
  const startTask = (clientId = "stack-task") =>
    startTaskService(
      {
        kafka: kafka(clientId),
        tokenSecret: STACK_SECRET,
        repoUrl,
        fanoutPageSize: FANOUT_PAGE_SIZE,
        topicRefreshMs,
      },
      logger,
    );
  let logic: RunningService | undefined = await startLogic();
  const task: RunningTask = await startTask();
  /** Further group members: in this process, or each in a process of its own. */
  const members: RunningService[] = [];
  const tasks: RunningTask[] = [task];
  const processes: ServiceProcess[] = [];
  const startNotifications = () =>
    startNotificationService(
      {
        kafka: kafka("stack-notify"),
        repoUrl,
        tokenSecret: STACK_SECRET,
        ...(options.emailRetry === undefined ? {} : { emailRetry: options.emailRetry }),
      },
      options.smtpUrl === undefined
        ? undefined
        : createMailer(options.smtpUrl, "GoChat <no-reply@gochat.test>"),
      logger,
    );
  let notifications: RunningService | undefined = await startNotifications();
  const gateways = new Map<string, RunningGateway>();
  const startGateway = async (instanceId: string) => {
    const gateway = await startGatewayService(
      {
        kafka: kafka(`stack-${instanceId}`),
        tokenSecret: STACK_SECRET,
        instanceId,
        host: "127.0.0.1",
        port: 0,
        ackTimeoutMs: 15_000,
        maxPayloadBytes: 32 * 1024,
        rateLimit: { capacity: 200, refillPerSecond: 100 },
        corsOrigins: true,
        overload: options.overload ?? RELAXED_OVERLOAD,
        presence: { repoUrl, heartbeatMs: 1_000 },
      },
      logger,
    );
    gateways.set(instanceId, gateway);
    return gateway;
  };
  for (const instanceId of options.gateways) await startGateway(instanceId);

  const sockets: Client[] = [];
  const api = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: publicApiUrl,
          headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
        }),
      ],
    });

  return {
    broker,
    repo,
    repoUrl,
    publicApiUrl,
    task,
    api,
    startGateway,
    /** Stops a gateway as its entrypoint would on SIGTERM; its sockets are closed. */
    async stopGateway(instanceId: string) {
      const gateway = gateways.get(instanceId);
      if (gateway === undefined) throw new Error(`no gateway ${instanceId}`);
      gateways.delete(instanceId);
      await gateway.stop();
    },
    /** One more im-logic in this process, in the same group as the others. */
    async addLogic(clientId: string) {
      const member = await startLogic(clientId);
      members.push(member);
      return member;
    },
    /** One more im-task in this process, in the same groups as the others. */
    async addTask(clientId: string) {
      const member = await startTask(clientId);
      members.push(member);
      tasks.push(member);
      return member;
    },
    /** Every im-task running in this process, the first one and those added. */
    tasksInProcess: (): readonly RunningTask[] => tasks,
    /**
     * One more member run from its entrypoint in a process of its own, as the start command runs it,
     * with Kafka client ids `${clientIdPrefix}-logic` / `-task`: a process that can be killed outright.
     */
    async spawnMember(service: MemberService, clientIdPrefix: string) {
      const healthPort = await freePortBlock([]);
      const member = spawnService(
        `${service} ${clientIdPrefix}`,
        ENTRYPOINTS[service],
        {
          ...process.env,
          KAFKA_BROKERS: broker.brokers.join(","),
          KAFKA_CLIENT_ID: clientIdPrefix,
          KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
          REPO_URL: repoUrl,
          GOCHAT_TOKEN_SECRET: STACK_SECRET,
          LOGIC_PARTITIONS_CONCURRENTLY: "3",
          FANOUT_PAGE_SIZE: String(FANOUT_PAGE_SIZE),
          DOWNSTREAM_TOPIC_REFRESH_MS: String(topicRefreshMs),
          HEALTH_PORT: String(healthPort),
          // Dies with this process, however the test ends.
          GOCHAT_SUPERVISOR_PID: String(process.pid),
          LOG_LEVEL: "fatal",
          NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
        },
        backendDir,
      );
      processes.push(member);
      await waitUntilReady(`http://127.0.0.1:${healthPort}/readyz`, member);
      return member;
    },
    async stopNotifications() {
      await notifications?.stop();
      notifications = undefined;
    },
    async restartNotifications() {
      notifications = await startNotifications();
    },
    async stopLogic() {
      await logic?.stop();
      logic = undefined;
    },
    async restartLogic() {
      logic = await startLogic();
    },
    /** Signs a user up and returns an API client and a way to open sockets as them. */
    async user(name: string) {
      const tokens = await api().auth.signUp.mutate({
        username: name,
        displayName: name,
        password: "password-123",
      });
      return {
        id: tokens.user.id,
        api: api(tokens.accessToken),
        /**
         * Opens a socket on a gateway. With `untilSessionReady`, resolves once the gateway has recorded
         * where the socket is (`session:ready`), from when on messages reach it live.
         */
        connect: async (instanceId: string, connectOptions: { untilSessionReady?: boolean } = {}) => {
          const gateway = gateways.get(instanceId);
          if (gateway === undefined) throw new Error(`no gateway ${instanceId}`);
          const socket: Client = connect(`http://127.0.0.1:${gateway.port}`, {
            auth: { token: tokens.accessToken },
            transports: ["websocket"],
            reconnection: false,
          });
          sockets.push(socket);
          const ready = new Promise<void>((resolve) => socket.once("session:ready", () => resolve()));
          await new Promise<void>((resolve, reject) => {
            socket.once("connect", resolve);
            socket.once("connect_error", reject);
          });
          if (connectOptions.untilSessionReady === true) await ready;
          return socket;
        },
      };
    },
    async stop() {
      for (const socket of sockets) socket.disconnect();
      for (const gateway of gateways.values()) await gateway.stop();
      await notifications?.stop();
      for (const member of processes) {
        if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill("SIGKILL");
        await member.exited;
      }
      for (const member of members) await member.stop();
      await task.stop();
      await logic?.stop();
      await repo.stop();
      await broker.stop();
    },
  };
}

export type Inbox = ReturnType<typeof inbox>;

/** Collects the messages a socket receives, per conversation, for assertions. */
export function inbox(socket: Client) {
  const received: ChatMessageView[] = [];
  socket.on("message:new", (message) => received.push(message));
  return {
    received,
    of: (conversationId: string) => received.filter((m) => m.conversationId === conversationId),
    async waitFor(predicate: (all: ChatMessageView[]) => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out; received ${JSON.stringify(received.map((m) => [m.conversationId, m.seq]))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in time; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
