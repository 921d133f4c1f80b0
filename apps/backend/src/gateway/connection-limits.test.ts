import { issueAccessToken } from "@gochat/auth";
import type { ClientToServerEvents, ServerToClientEvents } from "@gochat/contracts";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { createLogger } from "@gochat/service-kit";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/stack";
import { startGatewayService, type RunningGateway } from "./gateway-service";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Outcome = { connected: true; socket: Client } | { connected: false; message: string; data: unknown };

const secret = "limits-test-secret-of-32-bytes!!!";
const logger = createLogger({ service: "im-gateway", level: "silent" });
let broker: TemporaryBroker;
let gateway: RunningGateway;
const clients: Client[] = [];

const tokenFor = (userId: string) =>
  issueAccessToken({ userId, sessionId: `s-${userId}` }, secret, { ttlSeconds: 600 }).token;

/** Opens a socket from `localAddress` (any of 127.0.0.0/8 reaches the loopback listener). */
function open(options: { token: string; localAddress: string; origin?: string }): Promise<Outcome> {
  const client: Client = connect(`http://127.0.0.1:${gateway.port}`, {
    auth: { token: options.token },
    transports: ["websocket"],
    reconnection: false,
    localAddress: options.localAddress,
    ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
  } as Parameters<typeof connect>[1]);
  clients.push(client);
  return new Promise((resolve) => {
    client.once("connect", () => {
      resolve({ connected: true, socket: client });
    });
    client.once("connect_error", (error: Error & { data?: unknown }) => {
      resolve({ connected: false, message: error.message, data: error.data });
    });
  });
}

beforeAll(async () => {
  broker = await startTemporaryBroker();
  gateway = await startGatewayService(
    {
      instanceId: "gw-limits",
      host: "127.0.0.1",
      port: 0,
      kafka: {
        brokers: broker.brokers,
        clientId: "limits-test",
        topicPartitions: 1,
        replicationFactor: 1,
        sessionTimeoutMs: 6_000,
      },
      tokenSecret: secret,
      ackTimeoutMs: 5_000,
      maxPayloadBytes: 32 * 1024,
      rateLimit: { capacity: 20, refillPerSecond: 10 },
      corsOrigins: ["http://localhost:3000"],
      overload: { maxPendingSends: 10_000, overdueAfterMs: 10_000, overdueSends: 1_000 },
      connectionLimits: {
        maxSocketsPerUser: 2,
        maxSocketsPerAddress: 3,
        handshakesPerAddress: 6,
        handshakeWindowMs: 60_000,
      },
    },
    logger,
  );
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await gateway.stop();
  await broker.stop();
});

describe("gateway connection limits", () => {
  it("caps one user's open sockets, and frees a place when one closes", async () => {
    const token = tokenFor("many-tabs");
    const first = await open({ token, localAddress: "127.0.2.1" });
    await open({ token, localAddress: "127.0.2.2" });
    const third = await open({ token, localAddress: "127.0.2.3" });
    expect(third).toMatchObject({ connected: false, data: { code: "RATE_LIMITED" } });
    if (!first.connected) throw new Error("the first socket was refused");
    first.socket.disconnect();
    const again = await eventually(
      () => open({ token, localAddress: "127.0.2.3" }),
      (outcome) => outcome.connected,
    );
    expect(again.connected).toBe(true);
  });

  it("caps the open sockets of one address, whoever the users are", async () => {
    for (const user of ["a1", "a2", "a3"])
      expect((await open({ token: tokenFor(user), localAddress: "127.0.3.1" })).connected).toBe(true);
    const fourth = await open({ token: tokenFor("a4"), localAddress: "127.0.3.1" });
    expect(fourth).toMatchObject({
      connected: false,
      message: "too many open sockets from this address (3)",
    });
    expect((await open({ token: tokenFor("a4"), localAddress: "127.0.3.2" })).connected).toBe(true);
  });

  it("limits handshakes per address, refused ones included, with a retry-after", async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const outcome = await open({ token: "forged.token", localAddress: "127.0.4.1" });
      expect(outcome).toMatchObject({ connected: false, data: { code: "UNAUTHENTICATED" } });
    }
    const limited = await open({ token: tokenFor("rate"), localAddress: "127.0.4.1" });
    expect(limited).toMatchObject({ connected: false, data: { code: "RATE_LIMITED" } });
    const { data } = limited as { data: { retryAfterSeconds: number } };
    expect(data.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("refuses a WebSocket opened from a page of another origin", async () => {
    const foreign = await open({
      token: tokenFor("o1"),
      localAddress: "127.0.5.1",
      origin: "http://evil.example",
    });
    expect(foreign).toMatchObject({ connected: false, data: { code: "FORBIDDEN" } });
    const own = await open({
      token: tokenFor("o1"),
      localAddress: "127.0.5.1",
      origin: "http://localhost:3000",
    });
    expect(own.connected).toBe(true);
  });
});
