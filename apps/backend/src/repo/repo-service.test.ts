import type { AppRouter } from "@gochat/api";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { createKafkaClient, createLogger } from "@gochat/service-kit";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromTopic } from "../../test/kafka-probe";
import { startRepoService, type RunningRepo } from "./repo-service";

const logger = createLogger({ service: "im-repo", level: "silent" });
let broker: TemporaryBroker;
let repo: RunningRepo;

beforeAll(async () => {
  broker = await startTemporaryBroker();
  repo = await startRepoService(
    {
      host: "127.0.0.1",
      port: 0,
      kafka: {
        brokers: broker.brokers,
        clientId: "repo-test",
        topicPartitions: 2,
        replicationFactor: 1,
        sessionTimeoutMs: 6_000,
      },
      databaseUrl: undefined,
      dataDir: "memory://",
      poolSize: 1,
      tokenSecret: "repo-test-secret-that-is-32-bytes",
      accessTokenTtlSeconds: 60,
      refreshTokenTtlMs: 3_600_000,
      corsOrigins: ["http://localhost:3000"],
      presenceTtlMs: 15_000,
      presenceSweepMs: 5_000,
      recallWindowMs: 60_000,
    },
    logger,
  );
}, 60_000);

afterAll(async () => {
  await repo.stop();
  await broker.stop();
});

function client(token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `http://127.0.0.1:${repo.port}/trpc`,
        headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

describe("im-repo", () => {
  it("serves sign-up and the caller's profile over HTTP", async () => {
    const tokens = await client().auth.signUp.mutate({
      username: "erin",
      displayName: "Erin",
      password: "password-123",
    });
    expect(await client(tokens.accessToken).auth.me.query()).toMatchObject({ username: "erin" });
  });

  it("publishes user.profile.updated to gochat.user-events", async () => {
    const tokens = await client().auth.signIn.mutate({ username: "erin", password: "password-123" });
    await client(tokens.accessToken).users.updateProfile.mutate({ displayName: "Erin E" });
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: "probe", logger });
    const events = await collectFromTopic(kafka, "userEvents", (all) =>
      all.some((e) => e.event_type === "user.profile.updated" && e.user_id === tokens.user.id),
    );
    expect(events.find((e) => e.user_id === tokens.user.id)?.payload).toMatchObject({
      display_name: "Erin E",
    });
  });

  it("answers browser preflights for allowed origins only", async () => {
    const url = `http://127.0.0.1:${repo.port}/trpc/auth.signIn`;
    const allowed = await fetch(url, { method: "OPTIONS", headers: { origin: "http://localhost:3000" } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    const other = await fetch(url, { method: "OPTIONS", headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers malformed requests with a clear error, not a crash", async () => {
    const response = await fetch(`http://127.0.0.1:${repo.port}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("BAD_REQUEST");
    expect(await client().auth.signIn.mutate({ username: "erin", password: "password-123" })).toHaveProperty(
      "accessToken",
    );
  });
});
