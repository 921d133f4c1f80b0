import { expect, test, type TestInfo } from "@playwright/test";
import type { Consumer } from "kafkajs";
import {
  accessTokenOf,
  adminUrl,
  repoUrl,
  signInAsAdmin,
  signInToConsole,
  signUpThroughApi,
  systemKafka,
  type Operator,
} from "../support/admin";
import { uniqueName } from "../support/people";

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
  await admin.page.getByRole("button", { name: "Search" }).click();
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
