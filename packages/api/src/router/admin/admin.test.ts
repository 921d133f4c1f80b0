import { verifyAccessToken } from "@gochat/auth";
import { createUser } from "@gochat/db/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCodeOf, startTestApi, TEST_SECRET } from "../../../test/api-fixture";

let api: Awaited<ReturnType<typeof startTestApi>>;
let adminToken: string;
let userToken: string;
let userId: string;

beforeAll(async () => {
  api = await startTestApi();
  await createUser(api.deps.db, {
    username: "root",
    displayName: "Root",
    password: "admin password",
    role: "admin",
  });
  adminToken = (await api.client().auth.signIn.mutate({ username: "root", password: "admin password" }))
    .accessToken;
  const user = await api
    .client()
    .auth.signUp.mutate({ username: "plain", displayName: "Plain", password: "user password" });
  userToken = user.accessToken;
  userId = user.user.id;
}, 60_000);

afterAll(async () => {
  await api.stop();
});

describe("the admin role", () => {
  it("travels in the access token", () => {
    expect(verifyAccessToken(adminToken, TEST_SECRET).role).toBe("admin");
    expect(verifyAccessToken(userToken, TEST_SECRET).role).toBe("user");
  });

  it("is required by every admin procedure: a user gets FORBIDDEN, nobody UNAUTHENTICATED", async () => {
    const asUser = api.client(userToken).admin;
    const calls = [
      () => asUser.whoami.query(),
      () => asUser.users.find.query({}),
      () => asUser.users.names.query({ userIds: [userId] }),
      () => asUser.users.byUsername.query({ username: "plain" }),
      () => asUser.users.setDisabled.mutate({ userId, disabled: true }),
      () => asUser.audit.list.query({}),
      () => asUser.audit.record.mutate({ action: "group.offsets.reset", target: "g", details: {} }),
      () => asUser.fanoutTasks.list.query({}),
      () => asUser.deadLetters.list.query({ keys: [] }),
      () => asUser.deadLetters.claim.mutate({ partition: 0, offset: "1", action: "discarded" }),
      () => asUser.deadLetters.finishReplay.mutate({ partition: 0, offset: "1", replayedOffset: "2" }),
      () => asUser.deadLetters.releaseReplay.mutate({ partition: 0, offset: "1", error: "x" }),
      () => asUser.notifications.summary.query({}),
      () => asUser.notifications.failedEmails.query({}),
      () => asUser.notifications.retryEmail.mutate({ notificationId: "n1" }),
      () => asUser.liveGateways.query(),
    ];
    for (const call of calls) {
      expect(await appCodeOf(call())).toEqual({ appCode: "FORBIDDEN", message: "this needs the admin role" });
    }
    expect((await appCodeOf(api.client().admin.whoami.query())).appCode).toBe("UNAUTHENTICATED");
    expect((await api.client(adminToken).admin.whoami.query()).username).toBe("root");
  });
});

describe("admin procedures", () => {
  it("find a user and show their sessions", async () => {
    const found = await api.client(adminToken).admin.users.find.query({ text: "PLA" });
    expect(found.map((user) => user.username)).toEqual(["plain"]);
    const admin = api.client(adminToken).admin.users;
    expect(await admin.names.query({ userIds: [userId, "nobody"] })).toEqual([
      { id: userId, username: "plain", displayName: "Plain" },
    ]);
    expect(await admin.byUsername.query({ username: "PLAIN" })).toMatchObject({ id: userId });
    expect(await admin.byUsername.query({ username: "nobody" })).toBeNull();
    const detail = await api.client(adminToken).admin.users.detail.query({ userId });
    expect(detail.sessions).toHaveLength(1);
    expect(detail.gateways).toEqual([]);
  });

  it("sign a user out everywhere: no session can be renewed, and it is audited", async () => {
    const session = await api.client().auth.signIn.mutate({ username: "plain", password: "user password" });
    const result = await api.client(adminToken).admin.users.signOutEverywhere.mutate({ userId });
    expect(result.revokedSessions).toBe(2);
    expect(
      (await appCodeOf(api.client().auth.refresh.mutate({ refreshToken: session.refreshToken }))).appCode,
    ).toBe("UNAUTHENTICATED");
    const audit = await api.client(adminToken).admin.audit.list.query({ target: userId });
    expect(audit[0]).toMatchObject({ action: "user.signed-out-everywhere", actorName: "root" });
  });

  it("disable a user, who can then not sign in, and enable them again", async () => {
    await api.client(adminToken).admin.users.setDisabled.mutate({ userId, disabled: true });
    expect(
      await appCodeOf(api.client().auth.signIn.mutate({ username: "plain", password: "user password" })),
    ).toEqual({ appCode: "FORBIDDEN", message: "this account has been disabled by an admin" });
    await api.client(adminToken).admin.users.setDisabled.mutate({ userId, disabled: false });
    await api.client().auth.signIn.mutate({ username: "plain", password: "user password" });
    const actions = (await api.client(adminToken).admin.audit.list.query({ target: userId })).map(
      (e) => e.action,
    );
    expect(actions.slice(0, 2)).toEqual(["user.enabled", "user.disabled"]);
  });

  it("refuse to disable the calling admin and answer bad input field by field", async () => {
    const me = await api.client(adminToken).admin.whoami.query();
    expect(
      (
        await appCodeOf(
          api.client(adminToken).admin.users.setDisabled.mutate({ userId: me.id, disabled: true }),
        )
      ).appCode,
    ).toBe("BAD_REQUEST");
    const bad = await appCodeOf(
      api.client(adminToken).admin.audit.record.mutate({ action: "Reset Offsets", target: "", details: {} }),
    );
    expect(bad.appCode).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/action: must be dotted lower-case words/);
    expect(bad.message).toMatch(/target:/);
  });

  it("record what the console did elsewhere, under the caller's name", async () => {
    await api.client(adminToken).admin.audit.record.mutate({
      action: "group.offsets.reset",
      target: "logic.upstream.group",
      details: { to: "earliest", partitions: 3 },
    });
    const [entry] = await api.client(adminToken).admin.audit.list.query({ action: "group.offsets.reset" });
    expect(entry).toMatchObject({
      actorName: "root",
      target: "logic.upstream.group",
      details: { to: "earliest", partitions: 3 },
    });
  });
});

describe("the catalogue of live gateways", () => {
  it("lists the registered gateways whose heartbeat is fresh, and not one that stopped beating", async () => {
    const asService = api.serviceClient().internal;
    const { startedAt } = await asService.registerGateway.mutate({ gatewayId: "gw-live" });
    await asService.beatGateway.mutate({ gatewayId: "gw-live", startedAt });
    const stale = new Date(Date.now() - 10 * 60_000);
    await api.deps.db.gatewayInstance.create({
      data: { id: "gw-gone", startedAt: stale, lastBeatAt: stale },
    });
    const live = await api.client(adminToken).admin.liveGateways.query();
    expect(live.map((gateway) => gateway.id)).toContain("gw-live");
    expect(live.map((gateway) => gateway.id)).not.toContain("gw-gone");
  });
});

describe("dead-letter resolutions", () => {
  it("claim a dead letter once, with its audit entry; a second claim is refused with the first", async () => {
    const admin = api.client(adminToken).admin.deadLetters;
    const source = { topic: "gochat.tasks.fanout", partition: 2, offset: "41" };
    const claimed = await admin.claim.mutate({
      partition: 0,
      offset: "7",
      action: "replayed",
      source,
      details: { reasonCode: "MALFORMED_JSON" },
    });
    expect(claimed).toMatchObject({ action: "replayed", actorName: "root", replayedOffset: null });
    const again = await appCodeOf(admin.claim.mutate({ partition: 0, offset: "7", action: "discarded" }));
    expect(again.appCode).toBe("CONFLICT");
    expect(again.message).toMatch(/^dead letter gochat\.dead-letter\/0\/7 was already replayed by root at /);
    const finished = await admin.finishReplay.mutate({ partition: 0, offset: "7", replayedOffset: "42" });
    expect(finished).toMatchObject({ replayedOffset: "42", sourceOffset: "41" });
    expect(await admin.releaseReplay.mutate({ partition: 0, offset: "7", error: "late" })).toEqual({
      isReleased: false,
    });
    const [entry] = await api
      .client(adminToken)
      .admin.audit.list.query({ action: "dead-letter.replayed", target: "gochat.dead-letter/0/7" });
    expect(entry).toMatchObject({
      actorName: "root",
      details: { reasonCode: "MALFORMED_JSON", sourceTopic: "gochat.tasks.fanout", sourceOffset: "41" },
    });
  });

  it("release a replay whose send failed, so it can be claimed again, and list what was done", async () => {
    const admin = api.client(adminToken).admin.deadLetters;
    await admin.claim.mutate({ partition: 1, offset: "3", action: "replayed" });
    expect(await admin.releaseReplay.mutate({ partition: 1, offset: "3", error: "broker gone" })).toEqual({
      isReleased: true,
    });
    await admin.claim.mutate({ partition: 1, offset: "3", action: "discarded" });
    const listed = await admin.list.query({
      keys: [
        { partition: 1, offset: "3" },
        { partition: 1, offset: "4" },
      ],
    });
    expect(listed).toEqual([expect.objectContaining({ partition: 1, offset: "3", action: "discarded" })]);
    const actions = (
      await api.client(adminToken).admin.audit.list.query({ target: "gochat.dead-letter/1/3" })
    ).map((entry) => entry.action);
    expect(actions.toSorted()).toEqual([
      "dead-letter.discarded",
      "dead-letter.replay-failed",
      "dead-letter.replayed",
    ]);
    expect(
      (await appCodeOf(admin.claim.mutate({ partition: 1, offset: "x1", action: "discarded" }))).appCode,
    ).toBe("BAD_REQUEST");
  });
});

describe("failed e-mails", () => {
  it("are listed and counted, retried once by an admin with an audit entry, and claimed by one poller", async () => {
    const internal = api.serviceClient().internal;
    const reader = await api
      .client()
      .auth.signUp.mutate({ username: "mailreader", displayName: "Mail Reader", password: "user password" });
    await api.client(reader.accessToken).users.setEmail.mutate({ email: "reader@example.test" });
    const event = {
      event_id: crypto.randomUUID(),
      event_type: "friend.request" as const,
      timestamp: Math.floor(Date.now() / 1000),
      target_user_id: reader.user.id,
      payload: { request_id: "req-1", requester_id: userId, requester_name: "Plain" },
    };
    const stored = await internal.storeNotification.mutate(event);
    expect(stored.email).toEqual({ due: true, to: "reader@example.test" });
    const failed = await internal.recordDelivery.mutate({
      notification_id: stored.notificationId,
      channel: "email",
      status: "failed",
      error: "550 mailbox full",
      retry: { first_delay_ms: 3_600_000, max_attempts: 5 },
    });
    expect(failed.attempts).toBe(1);
    expect(failed.nextAttemptAtMs).toBeGreaterThan(Date.now() + 2_000_000);

    const admin = api.client(adminToken).admin.notifications;
    const [listed] = await admin.failedEmails.query({});
    expect(listed).toMatchObject({
      notificationId: stored.notificationId,
      type: "friend.request",
      username: "mailreader",
      email: "reader@example.test",
      attempts: 1,
      lastError: "550 mailbox full",
    });
    const summary = await admin.summary.query({});
    expect(summary.byType).toContainEqual({ type: "friend.request", count: 1 });
    expect(summary.byDelivery).toContainEqual({ channel: "email", status: "failed", count: 1 });

    // Not due for an hour: nothing to claim until the admin asks for it.
    expect(await internal.claimEmailRetries.mutate({ lease_ms: 60_000 })).toEqual([]);
    expect(await admin.retryEmail.mutate({ notificationId: stored.notificationId })).toEqual({
      isScheduled: true,
    });
    const [entry] = await api.client(adminToken).admin.audit.list.query({ target: stored.notificationId });
    expect(entry).toMatchObject({ action: "notification.email.retry", actorName: "root" });
    const claimed = await internal.claimEmailRetries.mutate({ lease_ms: 60_000 });
    // The retry's event is rebuilt from the inbox row, whose time is when it was stored: the same second
    // as the event's, or the next one when storing crossed a second boundary.
    expect(claimed).toHaveLength(1);
    const [{ event: claimedEvent, ...claim }] = claimed as [(typeof claimed)[number]];
    expect(claim).toEqual({
      notificationId: stored.notificationId,
      attempts: 1,
      to: "reader@example.test",
    });
    expect({ ...claimedEvent, timestamp: event.timestamp }).toEqual(event);
    expect(claimedEvent.timestamp).toBeGreaterThanOrEqual(event.timestamp);
    expect(claimedEvent.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(await internal.claimEmailRetries.mutate({ lease_ms: 60_000 })).toEqual([]);

    await internal.recordDelivery.mutate({
      notification_id: stored.notificationId,
      channel: "email",
      status: "sent",
    });
    expect(await admin.failedEmails.query({})).toEqual([]);
    expect(
      (await appCodeOf(admin.retryEmail.mutate({ notificationId: stored.notificationId }))).appCode,
    ).toBe("NOT_FOUND");
  });
});
