import AxeBuilder from "@axe-core/playwright";
import { expect, test, type TestInfo } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { encodeRecord } from "@gochat/contracts";
import type { Consumer } from "kafkajs";
import {
  accessTokenOf,
  adminUrl,
  repoUrl,
  signInAsAdmin,
  signInToConsole,
  signUpThroughApi,
  systemKafka,
  traceStoreUrl,
  type Operator,
} from "../support/admin";
import { mailboxFile } from "../support/env";
import {
  closeAll,
  messageWith,
  openConversation,
  openDirectChat,
  send,
  signIn,
  signUp,
  uniqueName,
} from "../support/people";

async function screenshot(testInfo: TestInfo, name: string, operator: Operator): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await operator.page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

test("an admin gets in; a normal user is refused by the page and by every admin API", async ({
  browser,
  request,
}, testInfo) => {
  const admin = await signInAsAdmin(browser);
  // The overview reads each service's /readyz and the worst consumer-group status.
  const repo = admin.page.locator('[data-service="im-repo"]');
  await expect(repo).toHaveAttribute("data-ready", "true");
  await expect(admin.page.locator('[data-service="im-gateway gw-2"]')).toHaveAttribute("data-ready", "true");
  await expect(admin.page.getByTestId("worst-status")).toContainText("groups");
  await expect(admin.page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await screenshot(testInfo, "admin-overview", admin);

  const alice = await signInToConsole(browser, "alice", "gochat-demo");
  await alice.page.waitForURL("**/refused");
  await expect(alice.page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await screenshot(testInfo, "user-refused", alice);
  // Without a session every console page leads to the sign-in form.
  await alice.page.goto("/groups");
  await alice.page.waitForURL("**/sign-in");

  const aliceToken = await accessTokenOf(request, "alice", "gochat-demo");
  const fromRepo = await request.get(`${repoUrl}/admin.whoami`, {
    headers: { authorization: `Bearer ${aliceToken}` },
  });
  expect(fromRepo.status()).toBe(403);
  expect(JSON.stringify(await fromRepo.json())).toContain("this needs the admin role");
  const fromConsole = await request.get(`${adminUrl}/api/trpc/groups.list`, {
    headers: { authorization: `Bearer ${aliceToken}` },
  });
  expect(fromConsole.status()).toBe(403);
  const anonymous = await request.get(`${adminUrl}/api/trpc/groups.list`);
  expect(anonymous.status()).toBe(401);
  const adminToken = await accessTokenOf(request, "admin", "gochat-admin");
  const allowed = await request.get(`${adminUrl}/api/trpc/groups.list`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  expect(allowed.status()).toBe(200);
  await admin.context.close();
  await alice.context.close();
});

test("a consumer that stops shows lag and STOP live, drains on restart, and its reset is audited", async ({
  browser,
}, testInfo) => {
  const kafka = systemKafka("e2e-worker");
  const topic = `e2e.admin.${uniqueName("t")}`;
  const groupId = `e2e.worker.${uniqueName("g")}`;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  const produce = (count: number) =>
    producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `record ${i}` })) });
  const startWorker = async (): Promise<Consumer> => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommitInterval: 100, eachMessage: () => Promise.resolve() });
    return consumer;
  };
  await produce(5);
  let worker = await startWorker();

  const admin = await signInAsAdmin(browser);
  await admin.page.goto(`/groups/${encodeURIComponent(groupId)}`);
  const summary = admin.page.getByTestId("group-summary");
  await expect(summary.locator('[data-field="state"]')).toHaveText("Stable");
  await expect(admin.page.locator('[data-field="committed"]')).toHaveText("5");
  await expect(summary.locator('[data-field="lag"]')).toHaveText("0");
  await expect(summary.locator("[data-status]")).toHaveAttribute("data-status", "OK");

  // The worker stops; records keep coming. The page changes by itself (server-sent events).
  await worker.disconnect();
  await produce(10);
  await expect(summary.locator('[data-field="lag"]')).toHaveText("10");
  await expect(summary.locator("[data-status]")).toHaveAttribute("data-status", "STOP");
  await expect(summary.locator('[data-field="state"]')).toHaveText("Empty");
  await screenshot(testInfo, "group-stopped", admin);

  // On the groups page too, sorted worst first.
  await admin.page.getByRole("link", { name: "Consumer groups" }).click();
  const row = admin.page.locator(`tr[data-group="${groupId}"]`);
  await expect(row.locator('[data-field="status"] [data-status]')).toHaveAttribute("data-status", "STOP");

  worker = await startWorker();
  await expect(row.locator('[data-field="lag"]')).toHaveText("0");
  await expect(row.locator('[data-field="status"] [data-status]')).toHaveAttribute("data-status", "OK");
  await worker.disconnect();

  // Reset the now idle group to the earliest offset, confirming in the dialog.
  await row.getByRole("link", { name: groupId }).click();
  await expect(summary.locator('[data-field="state"]')).toHaveText("Empty");
  await admin.page.getByLabel("Reset to").selectOption("earliest");
  await admin.page.getByRole("button", { name: "Reset offsets" }).click();
  const dialog = admin.page.getByRole("dialog");
  await expect(dialog).toContainText(`Reset ${groupId} on ${topic} to Earliest?`);
  await dialog.getByRole("button", { name: "Yes, reset offsets" }).click();
  await expect(admin.page.getByTestId("reset-result")).toContainText("0: 15 → 0");
  await expect(summary.locator('[data-field="lag"]')).toHaveText("15");
  await screenshot(testInfo, "group-reset", admin);

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  const entry = admin.page.locator('tr[data-action="group.offsets.reset"]').filter({ hasText: groupId });
  await expect(entry).toContainText("admin");
  await expect(entry).toContainText("0: 15 → 0");
  await screenshot(testInfo, "audit-log", admin);

  await producer.disconnect();
  await kafkaAdmin.deleteGroups([groupId]);
  await kafkaAdmin.disconnect();
  await admin.context.close();
});

test("an admin disables a user, who can then not sign in, and it is audited", async ({
  browser,
  request,
}, testInfo) => {
  const username = uniqueName("victor");
  await signUpThroughApi(request, username);
  // Tablet width: the navigation sits above the content.
  const admin = await signInAsAdmin(browser, 820);
  await admin.page.getByRole("link", { name: "Users" }).click();
  await admin.page.getByLabel("Find a user").fill(username);
  await admin.page.getByRole("button", { name: "Search", exact: true }).click();
  await admin.page.getByRole("button", { name: new RegExp(username) }).click();
  await expect(admin.page.locator('[data-field="user-state"]')).toHaveText("active");
  admin.page.once("dialog", (dialog) => void dialog.accept());
  await admin.page.getByRole("button", { name: "Disable account" }).click();
  await expect(admin.page.locator('[data-field="user-state"]')).toHaveText("disabled");
  await screenshot(testInfo, "user-disabled", admin);

  const refused = await request.post(`${repoUrl}/auth.signIn`, {
    data: { username, password: "correct horse battery" },
  });
  expect(refused.status()).toBe(403);
  expect(JSON.stringify(await refused.json())).toContain("disabled by an admin");

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  await expect(
    admin.page.locator('tr[data-action="user.disabled"]').filter({ hasText: username }),
  ).toBeVisible();
  await admin.context.close();
});

test("the console speaks Simplified Chinese", async ({ browser }, testInfo) => {
  const admin = await signInAsAdmin(browser);
  await admin.page.getByLabel("Language").selectOption("zh");
  await expect(admin.page.getByRole("link", { name: "消费者组" })).toBeVisible();
  await admin.page.reload();
  await expect(admin.page.getByRole("heading", { level: 1, name: "概览" })).toBeVisible();
  await expect(admin.page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await screenshot(testInfo, "overview-zh", admin);
  await admin.context.close();
});

test("the message browser finds records by key, decoded with schema version and trace, and says why one is not", async ({
  browser,
}, testInfo) => {
  const kafka = systemKafka("e2e-browser");
  const producer = kafka.producer();
  await producer.connect();
  const userId = uniqueName("browsed");
  const now = Math.floor(Date.now() / 1000);
  const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  await producer.send({
    topic: "gochat.user-events",
    messages: [
      {
        ...encodeRecord("userEvents", {
          event_id: randomUUID(),
          event_type: "user.online",
          timestamp: now,
          user_id: userId,
          payload: { last_seen: now, gateway_id: "gw-1" },
        }),
        headers: { traceparent },
      },
      { key: `${userId}-bad`, value: "{this is not json" },
    ],
  });
  await producer.disconnect();

  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "Messages" }).click();
  await admin.page.getByRole("combobox", { name: "Topic", exact: true }).selectOption("gochat.user-events");
  await admin.page.getByLabel("Start from").selectOption("oldest");
  await admin.page.getByLabel("Key contains").fill(userId);
  await admin.page.getByLabel("Include raw bytes").check();
  await admin.page.getByRole("button", { name: "Scan" }).click();
  await expect(admin.page.getByTestId("scan-summary")).toContainText("2 matching of");
  await expect(admin.page.getByTestId("scan-summary")).toContainText("ended by reaching the log end");
  const good = admin.page.locator(".records li").filter({ hasText: `"user_id": "${userId}"` });
  await expect(good.getByTestId("schema-version")).toHaveText("schema userEvents v1");
  await expect(good.getByTestId("traceparent")).toHaveText("Trace 4bf92f3577b34da6a3ce929d0e0e4736");
  const bad = admin.page.locator(".records li").filter({ hasText: `${userId}-bad` });
  await expect(bad).toContainText("Not decodable: MALFORMED_JSON");
  await bad.getByText("Raw bytes (base64)").click();
  await expect(bad.locator("code.raw")).toHaveText(Buffer.from("{this is not json").toString("base64"));
  await screenshot(testInfo, "message-browser", admin);

  // Following live, a record produced now shows up without another scan.
  await admin.page.getByLabel("Follow live").check();
  await expect(admin.page.getByTestId("following")).toBeVisible();
  const later = kafka.producer();
  await later.connect();
  await later.send({ topic: "gochat.user-events", messages: [{ key: `${userId}-later`, value: "{later" }] });
  await later.disconnect();
  await expect(admin.page.locator(".records li").filter({ hasText: `${userId}-later` })).toBeVisible({
    timeout: 15_000,
  });
  await admin.context.close();
});

test("a record im-task cannot read is dead-lettered, replayed once from the console, and audited", async ({
  browser,
  request,
}, testInfo) => {
  // A malformed fan-out task reaches im-task's real consumer, which sets it aside on gochat.dead-letter.
  const kafka = systemKafka("e2e-dead-letters");
  const producer = kafka.producer();
  await producer.connect();
  const key = uniqueName("dlq");
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  await producer.send({
    topic: "gochat.tasks.fanout",
    messages: [{ key, value: "{not a fan-out task", headers: { traceparent } }],
  });
  await producer.disconnect();

  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "Dead letters" }).click();
  await admin.page.getByLabel("Include raw bytes").check();
  const letters = admin.page.locator(`[data-testid="dead-letter"][data-key="${key}"]`);
  await expect(async () => {
    await admin.page.getByRole("button", { name: "Refresh" }).click();
    await expect(letters).toHaveCount(1, { timeout: 1_000 });
  }).toPass();
  await expect(admin.page.getByTestId("scan-summary")).toContainText("ended by reaching the log end");
  const letter = letters.first();
  const partition = Number(await letter.getAttribute("data-partition"));
  const offset = await letter.getAttribute("data-offset");
  await expect(letter).toHaveAttribute("data-group", "task.fanout.group");
  await expect(letter).toContainText("MALFORMED_JSON");
  await expect(letter).toContainText("Not decodable: MALFORMED_JSON");
  await expect(letter.getByTestId("dead-letter-state")).toHaveText("New");
  await letter.getByText("Raw bytes (base64)").click();
  await expect(letter.locator("code.raw")).toHaveText(Buffer.from("{not a fan-out task").toString("base64"));
  await letter.getByRole("button", { name: "Show headers and trace from the source topic" }).click();
  await expect(letter.getByTestId("traceparent")).toHaveText("Trace 0af7651916cd43dd8448eb211c80319c");

  await letter.getByRole("button", { name: "Replay" }).click();
  const dialog = admin.page.getByRole("dialog");
  await expect(dialog).toContainText(
    `Replay dead letter ${partition} / ${offset} to gochat.tasks.fanout partition`,
  );
  await dialog.getByRole("button", { name: "Yes, replay it" }).click();
  await expect(admin.page.getByTestId("dead-letter-outcome")).toHaveText("Replayed to gochat.tasks.fanout.");
  const replayed = admin.page.locator(
    `[data-testid="dead-letter"][data-partition="${partition}"][data-offset="${offset}"]`,
  );
  await expect(replayed.getByTestId("dead-letter-state")).toHaveAttribute("data-state", "replayed");
  await expect(replayed.getByTestId("dead-letter-state")).toContainText("Replayed by admin");
  await expect(replayed.getByRole("button", { name: "Replay" })).toHaveCount(0);
  await screenshot(testInfo, "dead-letter-replayed", admin);

  // The copy went back to im-task, which still cannot read it: a second dead letter of the same key.
  await expect(async () => {
    await admin.page.getByRole("button", { name: "Refresh" }).click();
    await expect(letters).toHaveCount(2, { timeout: 1_000 });
  }).toPass();

  // Asked again, the console refuses to replay the same dead letter.
  const adminToken = await accessTokenOf(request, "admin", "gochat-admin");
  const again = await request.post(`${adminUrl}/api/trpc/deadLetters.replay`, {
    headers: { authorization: `Bearer ${adminToken}` },
    data: { partition, offset },
  });
  expect(again.status()).toBe(409);
  expect(JSON.stringify(await again.json())).toContain("was already replayed by admin");

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  const entry = admin.page
    .locator('tr[data-action="dead-letter.replayed"]')
    .filter({ hasText: `gochat.dead-letter/${partition}/${offset}` });
  await expect(entry).toContainText("admin");
  await expect(entry).toContainText("task.fanout.group");
  await screenshot(testInfo, "dead-letter-audit", admin);
  await admin.context.close();
});

test("an admin finds a chat message's trace and reads it as one waterfall across the services", async ({
  browser,
}, testInfo) => {
  const ann = await signUp(browser, "ann", "gw-1");
  const ben = await signUp(browser, "ben", "gw-2");
  await openDirectChat(ann, ben);
  const conversationId = new URL(ann.page.url()).pathname.split("/").at(-1) ?? "";
  const text = `traced ${uniqueName("m")}`;
  await send(ann, text);
  await expect(messageWith(ann.page, text)).toHaveAttribute("data-state", "sent");
  // Ben's list shows it live: it went through his gateway.
  await expect(ben.page.getByTestId("conversation-row").filter({ hasText: ann.displayName })).toContainText(
    text,
  );

  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "Traces" }).click();
  await admin.page.getByLabel("Conversation").fill(conversationId);
  // The send's trace, begun in Ann's browser (Ben's read receipt has a trace of its own).
  await admin.page.getByLabel("Service").fill("gochat-web");
  await admin.page.getByRole("button", { name: "Search", exact: true }).click();
  // Spans reach the trace store within a second or so; the results refresh by themselves.
  // Ann's read receipt is a trace of the browser's too: the send is the one rooted at "send message".
  const result = admin.page
    .locator("tr[data-trace-id]")
    .filter({ hasText: "gochat-web: send message" })
    .first();
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result).toContainText("im-gateway");
  await result.getByRole("button").click();
  const waterfall = admin.page.getByRole("region", { name: "Trace" });
  // The sender's gateway, im-logic and the receiver's gateway, in one trace.
  await expect(
    waterfall.locator('li[data-service="im-logic"][data-span-name="process gochat.messages.upstream"]'),
  ).toHaveCount(1, { timeout: 15_000 });
  await expect(
    waterfall.locator(
      'li[data-service="im-gateway"][data-span-name="process gochat.messages.downstream.gw-2"]',
    ),
  ).toHaveCount(1, { timeout: 15_000 });
  const logic = waterfall.locator('li[data-span-name="process gochat.messages.upstream"]');
  await logic.getByRole("button").click();
  await expect(logic).toContainText("gochat.conversation_id");
  await expect(logic).toContainText(conversationId);
  // The trace begins in Ann's browser, when she pressed send.
  await expect(waterfall.locator('li[data-service="gochat-web"][data-span-name="send message"]')).toHaveCount(
    1,
    {
      timeout: 15_000,
    },
  );
  await screenshot(testInfo, "trace-waterfall", admin);
  const traceId = await result.getAttribute("data-trace-id");
  await admin.context.close();

  // In the trace store: one tree, rooted at the browser's send, through every service the message crossed
  // (analytics counting it included).
  type StoredSpan = { spanId: string; parentSpanId?: string; service: string; name: string };
  let spans: StoredSpan[] = [];
  await expect(async () => {
    const response = await fetch(`${traceStoreUrl}/api/traces/${traceId}`);
    spans = ((await response.json()) as { spans: StoredSpan[] }).spans;
    expect(new Set(spans.map((span) => span.service))).toEqual(
      new Set(["gochat-web", "im-gateway", "im-logic", "im-repo", "im-task", "analytics"]),
    );
  }).toPass({ timeout: 15_000 });
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId));
  expect(roots.map((span) => `${span.service}/${span.name}`)).toEqual(["gochat-web/send message"]);
  expect(spans.map((span) => span.name)).toEqual(
    expect.arrayContaining(["receive message:send", "process gochat.messages.downstream.gw-2"]),
  );

  // Her client's calls to im-repo are traced from the browser too.
  await expect(async () => {
    const found = (await (
      await fetch(`${traceStoreUrl}/api/traces?service=gochat-web&limit=200`)
    ).json()) as {
      traces: { rootName: string; services: string[] }[];
    };
    const call = found.traces.find((trace) => trace.rootName === "query conversations.list");
    expect(call?.services).toEqual(expect.arrayContaining(["gochat-web", "im-repo"]));
  }).toPass({ timeout: 15_000 });

  // Ann's read receipt for the conversation is traced the same way, from her browser on.
  await expect(async () => {
    const found = (await (
      await fetch(`${traceStoreUrl}/api/traces?conversationId=${conversationId}&service=gochat-web`)
    ).json()) as { traces: { traceId: string; rootName: string; services: string[] }[] };
    const read = found.traces.find((trace) => trace.rootName === "send read receipt");
    expect(read?.services).toEqual(expect.arrayContaining(["gochat-web", "im-gateway", "im-logic"]));
  }).toPass({ timeout: 15_000 });
  await closeAll(ann, ben);
});

test("a refused e-mail is listed as failed and sent by the console's retry, audited", async ({
  browser,
  request,
}, testInfo) => {
  // The SMTP sink refuses the first e-mail to a refuse-once address; its automatic retry is an hour away.
  const guest = uniqueName("mailee");
  const host = uniqueName("mailhost");
  const address = `refuse-once-${guest}@example.test`;
  const guestId = await signUpThroughApi(request, guest);
  await signUpThroughApi(request, host);
  const call = async (token: string, procedure: string, data: unknown) => {
    const response = await request.post(`${repoUrl}/${procedure}`, {
      headers: { authorization: `Bearer ${token}` },
      data,
    });
    expect(response.status(), await response.text()).toBe(200);
  };
  await call(await accessTokenOf(request, guest, "correct horse battery"), "users.setEmail", {
    email: address,
  });
  const group = `Mail club ${randomUUID().slice(0, 6)}`;
  await call(await accessTokenOf(request, host, "correct horse battery"), "groups.create", {
    name: group,
    memberIds: [guestId],
  });

  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "Notifications" }).click();
  await expect(admin.page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const row = admin.page.locator("tr[data-notification]").filter({ hasText: guest });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText("group.invited");
  await expect(row).toContainText("mailbox full");
  await expect(row.locator('[data-field="attempts"]')).toHaveText("1");
  await expect(admin.page.locator('[data-delivery="email/failed"]')).toBeVisible();
  await screenshot(testInfo, "notification-failed", admin);
  const accessibility = await new AxeBuilder({ page: admin.page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(accessibility.violations).toEqual([]);
  const notificationId = await row.getAttribute("data-notification");

  await row.getByRole("button", { name: `Retry e-mail to ${guest}` }).click();
  await expect(admin.page.getByRole("status").filter({ hasText: "Retry scheduled" })).toBeVisible();
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  const mails = readFileSync(mailboxFile(), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { to: string[]; raw: string })
    .filter((mail) => mail.to.includes(address));
  expect(mails).toHaveLength(1);
  expect(mails[0]?.raw).toContain(`You were added to ${group}`);
  await screenshot(testInfo, "notification-retried", admin);

  await admin.page.getByRole("link", { name: "Audit log" }).click();
  await expect(
    admin.page
      .locator('tr[data-action="notification.email.retry"]')
      .filter({ hasText: notificationId ?? "" }),
  ).toContainText("admin");
  await admin.context.close();
});

test("a sign-in and a sign-out appear live in the events stream", async ({ browser }, testInfo) => {
  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "User and message events" }).click();
  await expect(admin.page.getByRole("heading", { level: 1, name: "User and message events" })).toBeVisible();
  await expect(admin.page.getByTestId("online-now")).toContainText("online now");
  await expect(admin.page.getByTestId("read-rate")).toContainText("% of sent messages read");

  const evie = await signUp(browser, "evie", "gw-1");
  await admin.page.getByLabel("User (name or id)").fill(evie.username);
  await admin.page.getByRole("button", { name: "Search", exact: true }).click();
  // Newest first: the tab's connection (the sign-up page connects once, and again when pinned to gw-1).
  const newest = admin.page.locator("tbody tr").first();
  await expect(newest).toHaveAttribute("data-event-type", "user.online", { timeout: 20_000 });
  await expect(newest).toContainText(evie.username);
  await expect(newest).toContainText("on gw-1");
  const offline = admin.page.locator('tr[data-event-type="user.offline"]');
  const offlineBefore = await offline.count();

  await evie.page.getByRole("button", { name: "Sign out" }).click();
  await evie.page.waitForURL("**/sign-in");
  // The page is not reloaded: the stream brings the sign-out in by itself.
  await expect(offline).toHaveCount(offlineBefore + 1, { timeout: 20_000 });
  await expect(newest).toHaveAttribute("data-event-type", "user.offline");
  await expect(newest).toContainText(evie.username);
  await screenshot(testInfo, "events-stream", admin);
  const accessibility = await new AxeBuilder({ page: admin.page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(accessibility.violations).toEqual([]);
  await closeAll(evie);
  await admin.context.close();
});

test("the overview shows messages per second, delivery latency, who is online and the probe", async ({
  browser,
}, testInfo) => {
  const admin = await signInAsAdmin(browser);
  const ada = await signUp(browser, "ada", "gw-1");
  const bob = await signUp(browser, "bob", "gw-2");
  await openDirectChat(ada, bob);
  // Messages keep flowing while the overview samples the services' metrics a few seconds apart.
  const perSecond = admin.page.getByTestId("messages-per-second");
  await expect(async () => {
    const text = `steady ${uniqueName("m")}`;
    await send(ada, text);
    await expect(messageWith(ada.page, text)).toHaveAttribute("data-state", "sent");
    await expect(bob.page.getByTestId("conversation-row").filter({ hasText: ada.displayName })).toContainText(
      text,
    );
    expect(Number(await perSecond.textContent())).toBeGreaterThan(0);
  }).toPass({ timeout: 60_000 });
  await expect(admin.page.getByTestId("delivery-latency")).toHaveText(
    /^p50 \d+(\.\d)? ms · p99 \d+(\.\d)? ms$/,
  );
  await expect(admin.page.getByTestId("online-users")).toHaveText(/^[1-9]\d* users, [1-9]\d* connections$/);
  await expect(admin.page.getByTestId("probe")).toHaveText(
    /^[1-9]\d* ok, 0 failed, round trip \d+(\.\d)? ms$/,
    {
      timeout: 60_000,
    },
  );
  await expect(admin.page.locator('[data-service="im-gateway gw-2"]')).toContainText("connections");
  await expect(admin.page.locator('[data-service="trace-store"]')).toHaveAttribute("data-ready", "true");
  await screenshot(testInfo, "overview-traffic", admin);
  await closeAll(ada, bob);
  await admin.context.close();
});

test("a message to the super-large group shows as a fan-out task, with its progress per gateway", async ({
  browser,
}, testInfo) => {
  // The sender is the admin, as in the chat journey of this group: a demo user's name on the group's row
  // would be found by the journeys that look for that user's direct chat.
  const erin = await signIn(browser, "erin", "gochat-demo", "gw-2");
  const sender = await signIn(browser, "admin", "gochat-admin", "gw-1");
  await openConversation(erin, "Everyone");
  await openConversation(sender, "Everyone");
  const text = `Console fan-out ${uniqueName("m")}`;
  await send(sender, text);
  await expect(messageWith(erin.page, text)).toBeVisible();

  const admin = await signInAsAdmin(browser);
  await admin.page.getByRole("link", { name: "Fan-out tasks" }).click();
  // Journeys run one at a time: the newest task is this message's.
  const task = admin.page.locator("tr[data-task]").first();
  await expect(task.locator('[data-field="status"]')).toHaveText("completed", { timeout: 20_000 });
  await expect(task).toContainText("606 of 606 recipients");
  await expect(task.locator('[data-gateway="gw-1"]')).toHaveText(/^gw-1: [1-9]\d*$/);
  await expect(task.locator('[data-gateway="gw-2"]')).toHaveText(/^gw-2: [1-9]\d*$/);
  await screenshot(testInfo, "fanout-task", admin);

  // The task, each of its pages and their gateway batches are spans of the message's trace.
  const taskId = await task.getAttribute("data-task");
  await expect(async () => {
    const found = (await (await fetch(`${traceStoreUrl}/api/traces?fanoutTaskId=${taskId}`)).json()) as {
      traces: { traceId: string }[];
    };
    const names = new Set<string>();
    for (const { traceId } of found.traces) {
      const { spans } = (await (await fetch(`${traceStoreUrl}/api/traces/${traceId}`)).json()) as {
        spans: { name: string; service: string }[];
      };
      for (const span of spans) names.add(`${span.service}/${span.name}`);
    }
    expect([...names]).toEqual(
      expect.arrayContaining([
        "gochat-web/send message",
        "im-task/fan-out page",
        "im-task/send gochat.messages.downstream.gw-2",
      ]),
    );
  }).toPass({ timeout: 15_000 });
  await closeAll(erin, sender);
  await admin.context.close();
});

test("every console page passes an accessibility check, at laptop and at tablet width", async ({
  browser,
}, testInfo) => {
  for (const width of [1280, 820]) {
    const admin = await signInAsAdmin(browser, width);
    const pages = await admin.page
      .getByRole("navigation", { name: "Console" })
      .getByRole("link")
      .allTextContents();
    expect(pages.length).toBe(11);
    const violations: string[] = [];
    for (const name of pages) {
      await admin.page.getByRole("navigation", { name: "Console" }).getByRole("link", { name }).click();
      await expect(admin.page.getByRole("heading", { level: 1 })).toBeVisible();
      // Each page's data has arrived (or been refused) before it is checked.
      await expect(admin.page.getByText("Loading…")).toHaveCount(0, { timeout: 15_000 });
      const result = await new AxeBuilder({ page: admin.page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      for (const violation of result.violations)
        violations.push(`${width}px ${name}: ${violation.id} (${violation.nodes.length}) ${violation.help}`);
    }
    await screenshot(testInfo, `console-${width}`, admin);
    expect(violations).toEqual([]);
    await admin.context.close();
  }
});
