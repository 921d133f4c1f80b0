import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesFrom, startTestConsole, type TestConsole } from "../../test/console-fixture";

let stack: TestConsole;
let broker: TestConsole["broker"];
let database: TestConsole["database"];

function caller(headers: Record<string, string> = {}) {
  return stack.caller(headers);
}

beforeAll(async () => {
  stack = await startTestConsole();
  broker = stack.broker;
  database = stack.database;
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

function signedInAdmin() {
  return stack.signedInAdmin();
}

describe("the console's sign-in", () => {
  it("lets an admin in with httpOnly, SameSite=Strict session cookies", async () => {
    const { call, resHeaders } = caller();
    expect(await call.session.signIn({ username: "root", password: "admin password" })).toMatchObject({
      username: "root",
    });
    const cookies = resHeaders.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await caller({ cookie: cookiesFrom(resHeaders) }).call.session.me()).username).toBe("root");
  });

  it("refuses a user without the admin role and closes the session it opened", async () => {
    const { call, resHeaders } = caller();
    await expect(call.session.signIn({ username: "plain", password: "user password" })).rejects.toMatchObject(
      {
        code: "FORBIDDEN",
      },
    );
    expect(resHeaders.getSetCookie()).toEqual([]);
    const sessions = await database.prisma.session.findMany({
      where: { user: { username: "plain" }, revokedAt: null },
    });
    expect(sessions).toEqual([]);
  });

  it("answers FORBIDDEN to a user's token and UNAUTHORIZED to nobody, on every procedure", async () => {
    await expect(caller().call.groups.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const { call: repo } = caller();
    await expect(repo.session.signIn({ username: "plain", password: "wrong" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    const response = await fetch(`${stack.repoUrl}/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "plain", password: "user password" }),
    });
    const token = ((await response.json()) as { result: { data: { accessToken: string } } }).result.data
      .accessToken;
    const asUser = caller({ authorization: `Bearer ${token}` }).call;
    await expect(asUser.groups.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.users.find({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.overview.health()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.notifications.failedEmails()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.notifications.retryEmail({ notificationId: "n1" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("renews an expired access token with the refresh cookie", async () => {
    const { call, resHeaders } = caller();
    await call.session.signIn({ username: "root", password: "admin password" });
    const refreshOnly = resHeaders
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0])
      .filter((cookie) => cookie?.startsWith("gochat_admin_refresh="))
      .join("; ");
    const renewed = caller({ cookie: refreshOnly });
    expect((await renewed.call.session.me()).username).toBe("root");
    expect(
      renewed.resHeaders.getSetCookie().some((cookie) => cookie.startsWith("gochat_admin_access=")),
    ).toBe(true);
  });
});

describe("consumer groups through the console", () => {
  it("lists a real group with its lag, and resets it with an audit entry", async () => {
    const kafka = new Kafka({
      brokers: broker.brokers,
      clientId: "console-test",
      logLevel: logLevel.NOTHING,
    });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({ topics: [{ topic: "console-t", numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "console-t",
      messages: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();
    await kafkaAdmin.setOffsets({
      groupId: "console-g",
      topic: "console-t",
      partitions: [{ partition: 0, offset: "2" }],
    });
    await kafkaAdmin.disconnect();

    const admin = await signedInAdmin();
    let summary;
    for (;;) {
      summary = (await admin.groups.list()).groups.find((group) => group.groupId === "console-g");
      if (summary !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(summary).toMatchObject({ state: "Empty", totalLag: 4, status: "STOP", members: 0 });
    const detail = await admin.groups.detail({ groupId: "console-g" });
    expect(detail.partitions[0]).toMatchObject({ committedOffset: "2", logEndOffset: "6", lag: 4 });

    const outcome = await admin.groups.resetOffsets({
      groupId: "console-g",
      topic: "console-t",
      target: { to: "latest" },
    });
    expect(outcome.partitions).toEqual([{ partition: 0, from: "2", to: "6" }]);
    const [entry] = await admin.audit.list({});
    expect(entry).toMatchObject({
      action: "group.offsets.reset",
      target: "console-g",
      actorName: "root",
      details: { topic: "console-t", to: "latest", offsets: "0: 2 → 6" },
    });
    await expect(admin.groups.detail({ groupId: "no-such-group" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      admin.groups.resetOffsets({
        groupId: "console-g",
        topic: "console-t",
        target: { to: "timestamp", timestampMs: -5 },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("shows the services' readiness and the topic's configuration", async () => {
    const admin = await signedInAdmin();
    const health = await admin.overview.health();
    expect(health.services).toEqual([expect.objectContaining({ name: "im-repo" })]);
    const configs = await admin.topics.configs({ topic: "console-t" });
    expect(configs.find((entry) => entry.name === "cleanup.policy")?.value).toBe("delete");
  });
});

describe("the catalogue", () => {
  it("names the fixed topics each GoChat group reads, and a gateway's own downstream topic", async () => {
    const { catalogueTopicsOf, serviceOfGroup } = await import("./kafka");
    expect(catalogueTopicsOf("task.persist.group")).toEqual(["gochat.messages.persist"]);
    expect(catalogueTopicsOf("analytics.events.group")).toContain("gochat.user-events");
    expect(catalogueTopicsOf("gateway.downstream.group.gw-7")).toEqual(["gochat.messages.downstream.gw-7"]);
    expect(catalogueTopicsOf("someone.else")).toEqual([]);
    expect(serviceOfGroup("gateway.downstream.group.gw-7")).toBe("im-gateway");
    expect(serviceOfGroup("logic.upstream.group")).toBe("im-logic");
  });
});
