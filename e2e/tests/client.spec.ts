import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import {
  closeAll,
  expectConnected,
  messageWith,
  messages,
  openConversation,
  openDirectChat,
  screenshots,
  send,
  signIn,
  signUp,
  uniqueName,
  createGroup,
  actOnSearchResult,
} from "../support/people";
import { readE2eEnv } from "../support/env";

test("sign-up and sign-in explain what went wrong, and a session survives a reload", async ({
  browser,
}, testInfo) => {
  const taken = await signUp(browser, "ida", "gw-1");
  const page = await (await browser.newContext()).newPage();

  const response = await page.goto("/sign-up");
  // Pages carry a Content-Security-Policy: no foreign or injected script runs, not even an inline handler.
  expect(response?.headers()["content-security-policy"]).toMatch(
    /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/,
  );
  await page.evaluate(() => {
    const probe = document.createElement("div");
    probe.innerHTML = '<img src="/no-such-image.png" onerror="document.body.dataset.injected = \'yes\'">';
    document.body.append(probe);
  });
  await page.waitForTimeout(200);
  await expect(page.locator("body")).not.toHaveAttribute("data-injected", "yes");
  await page.getByLabel("Username").fill(taken.username);
  await page.getByLabel("Display name").fill("Someone Else");
  await page.getByLabel("Password").fill("another password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText(
    "That username is taken. Please choose another.",
  );

  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("A password needs at least 8 characters.");

  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(taken.username);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong username or password.");

  // The signed-in person reloads and is still signed in and connected.
  await taken.page.reload();
  await expectConnected(taken.page, "gw-1");
  await expect(taken.page.locator(".me-name")).toHaveText(taken.displayName);
  await page.screenshot({ path: testInfo.outputPath("errors.png") });
  await page.context().close();
  await closeAll(taken);
});

test("two tabs of one person stay consistent, and signing out in one signs out both", async ({
  browser,
}, testInfo) => {
  const jo = await signUp(browser, "jo", "gw-1");
  const kit = await signUp(browser, "kit", "gw-2");
  const secondTab = await jo.context.newPage();
  await secondTab.goto("/chat?gateway=gw-2");
  await expectConnected(secondTab, "gw-2");

  await openDirectChat(kit, jo);
  await send(kit, "Are you there?");
  const rowInTab = (page: Page) => page.getByTestId("conversation-row").filter({ hasText: kit.displayName });
  for (const page of [jo.page, secondTab])
    await expect(rowInTab(page).getByTestId("unread-count")).toHaveText("1");

  // Reading in one tab clears the unread count in the other.
  await rowInTab(secondTab).click();
  await expect(messageWith(secondTab, "Are you there?")).toBeVisible();
  await expect(rowInTab(jo.page).getByTestId("unread-count")).toHaveCount(0);

  // A message sent from one tab shows in the other as the person's own.
  await secondTab.getByLabel("Message", { exact: true }).fill("Yes, on my laptop");
  await secondTab.keyboard.press("Enter");
  await rowInTab(jo.page).click();
  await expect(messageWith(jo.page, "Yes, on my laptop")).toHaveAttribute("data-mine", "true");
  await expect(messageWith(kit.page, "Yes, on my laptop")).toHaveAttribute("data-mine", "false");

  await secondTab.getByRole("button", { name: "Sign out" }).click();
  await secondTab.waitForURL("**/sign-in");
  await jo.page.waitForURL("**/sign-in");
  await screenshots(testInfo, { jo, kit });
  await closeAll(jo, kit);
});

test("a message written while offline goes out once when the connection returns", async ({
  browser,
}, testInfo) => {
  const lea = await signUp(browser, "lea", "gw-2");
  const max = await signUp(browser, "max", "gw-1");
  await openDirectChat(lea, max);
  await send(lea, "First, while online");
  await openConversation(max, lea.displayName);
  await expect(messageWith(max.page, "First, while online")).toBeVisible();

  await lea.context.setOffline(true);
  await expect(lea.page.getByTestId("connection")).toHaveAttribute("data-state", "offline");
  await send(lea, "Written in the tunnel");
  await expect(messageWith(lea.page, "Written in the tunnel")).toHaveAttribute("data-state", "sending");
  await expect(messageWith(lea.page, "Written in the tunnel").getByTestId("message-status")).toHaveText(
    "Sending…",
  );

  await lea.context.setOffline(false);
  await expect(messageWith(lea.page, "Written in the tunnel")).toHaveAttribute("data-state", "sent");
  await expect(messageWith(max.page, "Written in the tunnel")).toHaveCount(1);
  await expect(messages(max.page)).toHaveCount(2);
  await expect(messages(lea.page)).toHaveCount(2);
  await screenshots(testInfo, { lea, max });
  await closeAll(lea, max);
});

test("works at a phone's width, and in Simplified Chinese", async ({ browser }, testInfo) => {
  const nia = await signUp(browser, "nia", "gw-1");
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const phone = await context.newPage();
  const ode = { username: uniqueName("ode"), page: phone };
  await phone.goto("/sign-up");
  await phone.getByLabel("Language").selectOption("zh");
  await expect(phone.getByRole("heading", { name: "注册账号" })).toBeVisible();
  await phone.getByLabel("用户名").fill(ode.username);
  await phone.getByLabel("昵称").fill("小欧");
  await phone.getByLabel("密码").fill("correct horse battery");
  await phone.getByRole("button", { name: "注册账号" }).click();
  await phone.waitForURL("**/chat");

  await openDirectChat(nia, { ...nia, username: ode.username, displayName: "小欧" });
  await send(nia, "你好！");

  // On a phone the list and the conversation take turns.
  const row = phone.getByTestId("conversation-row").filter({ hasText: nia.displayName });
  await expect(row).toContainText("你好！");
  await expect(phone.locator("main#main")).toBeHidden();
  await row.click();
  await expect(messageWith(phone, "你好！")).toBeVisible();
  await expect(phone.getByTestId("conversation-row")).toBeHidden();
  await phone.getByLabel("消息", { exact: true }).fill("收到");
  await phone.getByRole("button", { name: "发送" }).click();
  await expect(messageWith(nia.page, "收到")).toBeVisible();
  await expect(messageWith(phone, "收到").getByTestId("message-status")).toHaveText(/已发送|已读/);

  // The language choice is remembered: the server renders the next visit in it.
  await phone.reload();
  await expect(phone.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(phone.getByRole("link", { name: "返回会话列表" })).toBeVisible();
  await phone.getByRole("link", { name: "返回会话列表" }).click();
  await expect(row).toBeVisible();
  await phone.screenshot({ path: testInfo.outputPath("phone-zh.png"), fullPage: true });
  await testInfo.attach("phone-zh", { path: testInfo.outputPath("phone-zh.png"), contentType: "image/png" });
  await context.close();
  await closeAll(nia);
});

test("is usable from the keyboard and has no serious accessibility violations", async ({
  browser,
}, testInfo) => {
  const pat = await signUp(browser, "pat", "gw-2");
  const ray = await signUp(browser, "ray", "gw-1");
  await openDirectChat(ray, pat);
  await send(ray, "Keyboard check");

  const audit = async (page: Page, name: string) => {
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map((v) => `${name}: ${v.id} at ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`),
    ).toEqual([]);
  };
  const signedOut = await (await browser.newContext()).newPage();
  await signedOut.goto("/sign-in");
  await audit(signedOut, "sign-in");
  await signedOut.context().close();

  // Only the keyboard: Tab to the conversation, Enter to open it, Tab to the composer, type, Enter to send.
  const page = pat.page;
  const row = page.getByTestId("conversation-row").filter({ hasText: ray.displayName });
  await expect(row).toBeVisible();
  await tabUntil(page, (element) => element.getAttribute("data-testid") === "conversation-row");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: ray.displayName })).toBeVisible();
  await tabUntil(page, (element) => element.id === "composer-input");
  await page.keyboard.type("Sent without a mouse");
  await page.keyboard.press("Enter");
  await expect(messageWith(ray.page, "Sent without a mouse")).toBeVisible();

  await audit(page, "chat");
  await page.goto("/friends");
  await audit(page, "friends");
  await page.goto("/notifications");
  await audit(page, "notifications");
  await screenshots(testInfo, { pat, ray });
  await closeAll(pat, ray);
});

async function tabUntil(page: Page, found: (element: Element) => boolean): Promise<void> {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press("Tab");
    const handle = await page.evaluateHandle(() => document.activeElement);
    const element = handle.asElement();
    if (element !== null && (await element.evaluate(found))) return;
  }
  throw new Error("the element was not reachable with Tab");
}

test("scrolls back through 10,000 messages a page at a time, rendering only what is on screen", async ({
  browser,
}, testInfo) => {
  const carol = await signIn(browser, "carol", "gochat-demo", "gw-1");
  await openConversation(carol, "Dave Bowman");
  const page = carol.page;
  await expect(messageWith(page, "History message 10000")).toBeVisible();

  const started = Date.now();
  const scroller = page.getByTestId("message-list");
  let rendered = 0;
  // Scroll to the top until the first message is there; each time the older page is fetched by seq.
  while ((await page.getByText("This is the beginning of the conversation.").count()) === 0) {
    await scroller.evaluate((element) => {
      element.scrollTop = 0;
    });
    await page.waitForTimeout(50);
    rendered = Math.max(rendered, await messages(page).count());
    if (Date.now() - started > 100_000) throw new Error("history did not reach its beginning");
  }
  const elapsed = Date.now() - started;
  // The last page kept the reader's place; the very first message is one more scroll up.
  await scroller.evaluate((element) => {
    element.scrollTop = 0;
  });
  await expect(messages(page).first()).toHaveAttribute("data-seq", "1");
  await expect(page.getByText("History message 1", { exact: true })).toBeVisible();
  // Only the rows around the viewport are in the document, however much history is loaded.
  expect(rendered).toBeLessThan(80);
  const firstSeqs = await messages(page).evaluateAll((nodes) =>
    nodes.slice(0, 5).map((node) => node.getAttribute("data-seq")),
  );
  expect(firstSeqs).toEqual(["1", "2", "3", "4", "5"]);
  await expect(page.getByRole("separator").first()).toBeVisible();

  // And back down to the newest without losing anything on the way.
  await scroller.evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  await expect(messageWith(page, "History message 10000")).toBeVisible();
  testInfo.annotations.push({
    type: "measured",
    description: `scrolled back through 10,000 messages in ${elapsed} ms`,
  });
  console.log(
    `scrolled back through 10,000 messages in ${elapsed} ms, at most ${rendered} message rows rendered`,
  );
  await screenshots(testInfo, { carol });
  await closeAll(carol);
});

test("a new display name and avatar colour reach the people chatting with them, live", async ({
  browser,
}, testInfo) => {
  const sam = await signUp(browser, "sam", "gw-1");
  const tia = await signUp(browser, "tia", "gw-2");
  await openDirectChat(sam, tia);
  await send(sam, "Watch my name");
  await openConversation(tia, sam.displayName);

  await sam.page.getByRole("link", { name: "Your profile" }).click();
  await sam.page.getByLabel("Display name").fill("Samantha Renamed");
  await sam.page.getByRole("radio", { name: "#16a34a" }).check();
  await sam.page.getByRole("button", { name: "Save" }).click();
  await expect(sam.page.getByText("Saved. Others see the change now.")).toBeVisible();

  // Without a reload on Tia's side: the chat's title, the list row and the avatar follow.
  await expect(tia.page.getByRole("heading", { level: 1, name: "Samantha Renamed" })).toBeVisible();
  await expect(
    tia.page.getByTestId("conversation-row").filter({ hasText: "Samantha Renamed" }),
  ).toBeVisible();
  await expect(tia.page.locator(".chat-header .avatar")).toHaveCSS("background-color", "rgb(22, 163, 74)");
  await expect(sam.page.locator(".me-name")).toHaveText("Samantha Renamed");
  await screenshots(testInfo, { sam, tia });
  await closeAll(sam, tia);
});

test("messages refused for sending too fast can be retried, and each is stored once", async ({
  browser,
}, testInfo) => {
  const uma = await signUp(browser, "uma", "gw-1");
  const vic = await signUp(browser, "vic", "gw-2");
  await openDirectChat(uma, vic);
  // Far faster than the gateway's limit (30 at once, then 10 a second): some are refused with RATE_LIMITED.
  const total = 60;
  const input = uma.page.getByLabel("Message", { exact: true });
  for (let i = 1; i <= total; i++) {
    await input.fill(`Burst ${i}`);
    await input.press("Enter");
  }
  const failed = uma.page.locator('[data-testid="message"][data-state="failed"]');
  await expect(failed.first()).toBeVisible();
  await expect(failed.first().getByTestId("message-status")).toHaveText("Not sent");
  await expect(uma.page.locator('[data-testid="message"][data-state="sending"]')).toHaveCount(0);

  // Retry them one by one (the newest failed one is always at the bottom) until none is left.
  while ((await failed.count()) > 0) {
    await failed.last().getByRole("button", { name: "Retry" }).click();
    await uma.page.waitForTimeout(120);
  }

  // What the server stored (persisted asynchronously, so asked until all are there): every message once.
  const apiUrl = `http://127.0.0.1:${readE2eEnv().ports.repo}/trpc`;
  const storedMessages = () =>
    vic.page.evaluate(async (url) => {
      const session = JSON.parse(localStorage.getItem("gochat.session") ?? "{}") as { accessToken: string };
      const headers = { authorization: `Bearer ${session.accessToken}` };
      const get = async <T>(procedure: string, input: unknown): Promise<T> => {
        const response = await fetch(
          `${url}/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
          { headers },
        );
        return ((await response.json()) as { result: { data: T } }).result.data;
      };
      const [conversation] = await get<{ conversationId: string }[]>("conversations.list", {});
      return get<{ content: string; seq: number }[]>("conversations.since", {
        conversationId: conversation?.conversationId ?? "",
        afterSeq: 0,
        limit: 200,
      });
    }, apiUrl);
  await expect.poll(async () => (await storedMessages()).length).toBeGreaterThanOrEqual(total);
  const stored = await storedMessages();
  const contents = stored.map((message) => message.content);
  expect(new Set(contents).size).toBe(total);
  expect(contents.sort()).toEqual(Array.from({ length: total }, (_, i) => `Burst ${i + 1}`).sort());
  expect(stored.map((message) => message.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  testInfo.annotations.push({
    type: "measured",
    description: `${total} sent in a burst, all stored once after retries`,
  });
  await screenshots(testInfo, { uma, vic });
  await closeAll(uma, vic);
});

test("friend requests are sent, accepted and declined, with presence once friends", async ({
  browser,
}, testInfo) => {
  const wen = await signUp(browser, "wen", "gw-1");
  const xia = await signUp(browser, "xia", "gw-2");
  const yan = await signUp(browser, "yan", "gw-1");
  const request = async (from: typeof wen, to: typeof wen) => {
    await from.page.getByRole("link", { name: "Friends" }).click();
    await actOnSearchResult(from, to.username, "Add friend");
    await expect(
      from.page
        .getByRole("listitem")
        .filter({ hasText: to.username })
        .getByRole("button", { name: "Request sent" }),
    ).toBeDisabled();
  };
  await request(wen, xia);
  await request(yan, xia);

  // Xia is told live, and answers both.
  await expect(xia.page.getByTestId("notification-badge")).toHaveText("2");
  await xia.page.getByRole("link", { name: "Friends" }).click();
  const incoming = xia.page.getByTestId("incoming-request");
  await expect(incoming).toHaveCount(2);
  await incoming.filter({ hasText: wen.username }).getByRole("button", { name: "Accept" }).click();
  await incoming.filter({ hasText: yan.username }).getByRole("button", { name: "Decline" }).click();
  await expect(incoming).toHaveCount(0);
  await expect(xia.page.getByTestId("friend")).toHaveCount(1);
  await expect(xia.page.getByTestId("friend").filter({ hasText: wen.displayName })).toContainText("Online");

  // Wen learns of the acceptance live and now sees Xia's presence.
  await expect(wen.page.getByTestId("notification-badge")).toHaveText("1");
  await wen.page.getByRole("link", { name: /Notifications/ }).click();
  await expect(wen.page.getByTestId("notification").first()).toContainText(
    `${xia.displayName} accepted your friend request`,
  );
  await wen.page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(wen.page.getByTestId("notification-badge")).toHaveCount(0);
  await expect(wen.page.getByTestId("notification").first()).toHaveAttribute("data-unread", "false");
  await wen.page.getByRole("link", { name: "Friends" }).click();
  const friend = wen.page.getByTestId("friend").filter({ hasText: xia.displayName });
  await expect(friend).toContainText("Online");
  await xia.context.close();
  await expect(friend).toContainText("Offline");

  await yan.page.getByRole("link", { name: "Friends" }).click();
  await expect(yan.page.getByTestId("friend")).toHaveCount(0);
  await screenshots(testInfo, { wen, yan });
  await closeAll(wen, yan);
});

test("a group's owner appoints an admin, who edits the announcement members are notified of", async ({
  browser,
}, testInfo) => {
  const zed = await signUp(browser, "zed", "gw-1");
  const amy = await signUp(browser, "amy", "gw-2");
  const bo = await signUp(browser, "bo", "gw-1");
  const groupName = `Committee ${Date.now().toString(36)}`;
  await createGroup(zed, groupName);
  for (const member of [amy, bo]) {
    await actOnSearchResult(zed, member.username, "Invite");
    await expect(zed.page.getByTestId("member").filter({ hasText: member.displayName })).toContainText(
      "Member",
    );
  }
  await zed.page
    .getByTestId("member")
    .filter({ hasText: amy.displayName })
    .getByRole("button", { name: "Make admin" })
    .click();
  await expect(zed.page.getByTestId("member").filter({ hasText: amy.displayName })).toContainText("Admin");

  // Amy, now an admin, edits the announcement; Bo, a member, can only read it.
  await amy.page.goto(`${new URL(zed.page.url()).pathname}?gateway=gw-2`);
  await expect(amy.page.getByText("Admin", { exact: false }).first()).toBeVisible();
  await amy.page.getByRole("textbox", { name: "Announcement" }).fill("Meeting moved to Friday.");
  await amy.page.getByRole("button", { name: "Publish announcement" }).click();

  await expect(bo.page.getByTestId("notification-badge")).toHaveText("2");
  await bo.page.getByRole("link", { name: /Notifications/ }).click();
  await expect(bo.page.getByTestId("notification").first()).toContainText(
    `${amy.displayName} updated the announcement of ${groupName}: Meeting moved to Friday.`,
  );
  await bo.page.goto(new URL(zed.page.url()).pathname);
  await expect(bo.page.getByTestId("announcement")).toHaveText("Meeting moved to Friday.");
  await expect(bo.page.getByRole("button", { name: "Publish announcement" })).toHaveCount(0);
  await expect(bo.page.getByTestId("member")).toHaveCount(3);
  await screenshots(testInfo, { zed, amy, bo });
  await closeAll(zed, amy, bo);
});

test("new messages stay unread while the reader is scrolled up in the history", async ({
  browser,
}, testInfo) => {
  const carol = await signIn(browser, "carol", "gochat-demo", "gw-1");
  const dave = await signIn(browser, "dave", "gochat-demo", "gw-2");
  await openConversation(carol, "Dave Bowman");
  await openConversation(dave, "Carol Danvers");
  const scroller = carol.page.getByTestId("message-list");
  await scroller.evaluate((element) => {
    element.scrollTop = 0;
  });

  await send(dave, "Are you reading this?");
  const row = carol.page.getByTestId("conversation-row").filter({ hasText: "Dave Bowman" });
  await expect(row.getByTestId("unread-count")).toHaveText("1");
  const status = messageWith(dave.page, "Are you reading this?").getByTestId("message-status");
  await expect(status).toHaveText("Sent");
  // Give a wrongly sent receipt time to arrive before deciding there was none.
  await dave.page.waitForTimeout(1_500);
  await expect(status).toHaveText("Sent");

  // The way back down is offered, with the count of what is new.
  await carol.page.getByRole("button", { name: "↓ 1 new" }).click();
  await expect(messageWith(carol.page, "Are you reading this?")).toBeVisible();
  await expect(status).toHaveText("Read");
  await expect(row.getByTestId("unread-count")).toHaveCount(0);
  await screenshots(testInfo, { carol, dave });
  await closeAll(carol, dave);
});

test("an unsent message survives a reload of its tab and then goes out once", async ({
  browser,
}, testInfo) => {
  const ned = await signUp(browser, "ned", "gw-2");
  const ola = await signUp(browser, "ola", "gw-1");
  await openDirectChat(ned, ola);
  await send(ned, "Before the outage");
  await openConversation(ola, ned.displayName);
  await expect(messageWith(ola.page, "Before the outage")).toBeVisible();

  // Ned's tab reaches the gateway through a switch (installed before the page loads, since socket.io
  // takes the WebSocket class when it loads). Switched off, his socket reaches nothing that answers.
  let gatewayReachable = true;
  await ned.page.routeWebSocket(/\/socket\.io\//, (socket) => {
    if (gatewayReachable) socket.connectToServer();
  });
  await ned.page.reload();
  await expectConnected(ned.page, "gw-2");
  gatewayReachable = false;
  await ned.context.setOffline(true);
  await expect(ned.page.getByTestId("connection")).toHaveAttribute("data-state", "offline");
  await ned.context.setOffline(false);
  await expect(ned.page.getByTestId("connection")).toHaveAttribute("data-state", /connecting|reconnecting/);
  await send(ned, "Written during the outage");
  await expect(messageWith(ned.page, "Written during the outage")).toHaveAttribute("data-state", "sending");

  // Reloaded, the tab still holds the message and sends it when it reaches the gateway again.
  gatewayReachable = true;
  await ned.page.reload();
  await expectConnected(ned.page, "gw-2");
  await expect(messageWith(ned.page, "Written during the outage")).toHaveAttribute("data-state", "sent");
  await expect(messageWith(ola.page, "Written during the outage")).toHaveCount(1);
  await expect(messages(ned.page)).toHaveCount(2);
  await screenshots(testInfo, { ned, ola });
  await closeAll(ned, ola);
});

test("a conversation read while the gateway is unreachable is reported read when it returns", async ({
  browser,
}, testInfo) => {
  const pam = await signUp(browser, "pam", "gw-1");
  const rex = await signUp(browser, "rex", "gw-2");
  let gatewayReachable = true;
  await pam.page.routeWebSocket(/\/socket\.io\//, (socket) => {
    if (gatewayReachable) socket.connectToServer();
  });
  await pam.page.reload();
  await expectConnected(pam.page, "gw-1");
  const reconnect = async () => {
    await pam.context.setOffline(true);
    await expect(pam.page.getByTestId("connection")).toHaveAttribute("data-state", "offline");
    await pam.context.setOffline(false);
  };

  await openDirectChat(rex, pam);
  await send(rex, "One");
  await openConversation(pam, rex.displayName);
  await expect(messageWith(pam.page, "One")).toBeVisible();
  await pam.page.getByRole("link", { name: "Friends" }).click();
  await send(rex, "Two");
  const status = messageWith(rex.page, "Two").getByTestId("message-status");
  await expect(status).toHaveText("Sent");

  // Pam loses the gateway, then reads the conversation from what her tab already holds.
  gatewayReachable = false;
  await reconnect();
  await expect(pam.page.getByTestId("connection")).toHaveAttribute("data-state", "reconnecting");
  await pam.page.getByRole("link", { name: "Chats" }).click();
  await openConversation(pam, rex.displayName);
  await expect(messageWith(pam.page, "Two")).toBeVisible();
  await expect(pam.page.getByTestId("conversation-row").getByTestId("unread-count")).toHaveCount(0);
  await pam.page.getByRole("link", { name: "Friends" }).click();
  await pam.page.waitForTimeout(500);
  await expect(status).toHaveText("Sent");

  gatewayReachable = true;
  await reconnect();
  await expectConnected(pam.page, "gw-1");
  await expect(status).toHaveText("Read");
  await screenshots(testInfo, { pam, rex });
  await closeAll(pam, rex);
});

test("a message lost on the way is fetched when the next one shows the gap", async ({
  browser,
}, testInfo) => {
  const ivy = await signUp(browser, "ivy", "gw-1");
  const jon = await signUp(browser, "jon", "gw-2");
  // Ivy's socket passes through a relay that can drop one delivery from the gateway.
  let dropping = false;
  await ivy.page.routeWebSocket(/\/socket\.io\//, (page) => {
    const server = page.connectToServer();
    server.onMessage((frame) => {
      if (dropping && typeof frame === "string" && frame.includes('"message:new"')) {
        dropping = false;
        return;
      }
      page.send(frame);
    });
  });
  await ivy.page.reload();
  await expectConnected(ivy.page, "gw-1");

  await openDirectChat(jon, ivy);
  await send(jon, "Before");
  await openConversation(ivy, jon.displayName);
  await expect(messageWith(ivy.page, "Before")).toBeVisible();

  dropping = true;
  await send(jon, "Lost on the way");
  await expect(messageWith(jon.page, "Lost on the way")).toHaveAttribute("data-state", "sent");
  await ivy.page.waitForTimeout(500);
  await expect(messageWith(ivy.page, "Lost on the way")).toHaveCount(0);

  await send(jon, "After the gap");
  await expect(messageWith(ivy.page, "After the gap")).toBeVisible();
  await expect(messageWith(ivy.page, "Lost on the way")).toBeVisible();
  const seqs = await messages(ivy.page).evaluateAll((nodes) =>
    nodes.map((node) => node.getAttribute("data-seq")),
  );
  expect(seqs).toEqual(["1", "2", "3"]);
  await screenshots(testInfo, { ivy, jon });
  await closeAll(ivy, jon);
});
