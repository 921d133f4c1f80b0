import { SERVICE_CREDENTIAL_HEADER } from "@gochat/api";
import { startTemporaryBroker, type TemporaryBroker } from "@gochat/kafka-broker";
import { createLogger } from "@gochat/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoClient } from "../clients/repo-client";
import { startRepoService, type RunningRepo } from "./repo-service";

const logger = createLogger({ service: "im-repo", level: "silent" });
const CURRENT = "current-service-credential-of-40-characters";
const PREVIOUS = "previous-service-credential-of-40-characters";
let broker: TemporaryBroker;
let repo: RunningRepo;

beforeAll(async () => {
  broker = await startTemporaryBroker();
  repo = await startRepoService(
    {
      host: "127.0.0.1",
      port: 0,
      internalPort: 0,
      serviceCredentials: [CURRENT, PREVIOUS],
      kafka: {
        brokers: broker.brokers,
        clientId: "repo-listeners-test",
        topicPartitions: 1,
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
      passwordCost: { N: 1024, r: 8, p: 1 },
      presenceTtlMs: 15_000,
      presenceSweepMs: 60_000,
      recallWindowMs: 60_000,
    },
    logger,
  );
}, 60_000);

afterAll(async () => {
  await repo.stop();
  await broker.stop();
});

const publicUrl = () => `http://127.0.0.1:${repo.port}/trpc`;
const internalUrl = () => `http://127.0.0.1:${repo.internalPort}/trpc`;

describe("im-repo's listeners", () => {
  it("serves internal.* only on the internal listener", async () => {
    expect(repo.internalPort).not.toBe(repo.port);
    const onPublic = await fetch(`${publicUrl()}/internal.registerGateway`, {
      method: "POST",
      headers: { "content-type": "application/json", [SERVICE_CREDENTIAL_HEADER]: CURRENT },
      body: JSON.stringify({ gatewayId: "gw-x" }),
    });
    expect(onPublic.status).toBe(404);
    const onInternal = await fetch(`${internalUrl()}/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "x", password: "y" }),
    });
    expect(onInternal.status).toBe(404);
  });

  it("never answers a browser on the internal listener", async () => {
    const preflight = await fetch(`${internalUrl()}/internal.registerGateway`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const call = await fetch(`${internalUrl()}/internal.registerGateway`, {
      method: "POST",
      headers: {
        origin: "http://localhost:3000",
        "content-type": "application/json",
        [SERVICE_CREDENTIAL_HEADER]: CURRENT,
      },
      body: JSON.stringify({ gatewayId: "gw-cors" }),
    });
    expect(call.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("accepts every configured service credential, so one can be rotated, and nothing else", async () => {
    for (const credential of [CURRENT, PREVIOUS]) {
      const client = createRepoClient(internalUrl(), "unused-token-secret-of-32-characters", credential);
      expect(
        await client.internal.registerGateway.mutate({ gatewayId: `gw-${credential.slice(0, 4)}` }),
      ).toBeDefined();
    }
    const derived = createRepoClient(internalUrl(), "repo-test-secret-that-is-32-bytes");
    await expect(derived.internal.registerGateway.mutate({ gatewayId: "gw-old" })).rejects.toMatchObject({
      data: { appCode: "FORBIDDEN" },
    });
  });

  it("allows CORS on the public listener for the configured origins only", async () => {
    const answer = async (origin: string) =>
      (await fetch(`${publicUrl()}/auth.me`, { headers: { origin } })).headers.get(
        "access-control-allow-origin",
      );
    expect(await answer("http://localhost:3000")).toBe("http://localhost:3000");
    expect(await answer("http://evil.example")).toBeNull();
  });
});
