import { expect, test } from "@playwright/test";
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
  createGroup,
  actOnSearchResult,
} from "../support/people";

test("two people on different gateways chat in real time", async ({ browser }, testInfo) => {
  const ann = await signUp(browser, "ann", "gw-1");
  const ben = await signUp(browser, "ben", "gw-2");

  await openDirectChat(ann, ben);
  await send(ann, "Hello from gateway one");
  await expect(messageWith(ann.page, "Hello from gateway one")).toHaveAttribute("data-state", "sent");
  // Her list shows it as the latest message too: her tab learns of it from the acknowledgement alone.
  await expect(ann.page.getByTestId("conversation-row").filter({ hasText: ben.displayName })).toContainText(
    "Hello from gateway one",
  );

  // Ben's list gains the new conversation live, with the preview and an unread count.
  const row = ben.page.getByTestId("conversation-row").filter({ hasText: ann.displayName });
  await expect(row).toContainText("Hello from gateway one");
  await expect(row.getByTestId("unread-count")).toHaveText("1");
  await openConversation(ben, ann.displayName);
  await expect(messageWith(ben.page, "Hello from gateway one")).toBeVisible();
  await expect(row.getByTestId("unread-count")).toHaveCount(0);

  // Typing shows on the other side, and the reply arrives live.
  await ben.page.getByLabel("Message", { exact: true }).fill("Hi Ann");
  await expect(ann.page.getByTestId("typing")).toHaveText(`${ben.displayName} is typing…`);
  await expect(ann.page.getByTestId("conversation-row").filter({ hasText: ben.displayName })).toContainText(
    "typing…",
  );
  await ben.page.keyboard.press("Enter");
  await expect(messageWith(ann.page, "Hi Ann")).toBeVisible();
  await expect(ann.page.getByTestId("typing")).toHaveText("");

  // Markup is shown as the text it is, never interpreted.
  const markup = '<img src=x onerror="document.title=1"><b>bold</b>';
  await send(ann, markup);
  const received = messageWith(ben.page, "<b>bold</b>");
  await expect(received).toBeVisible();
  await expect(received.locator("b, img")).toHaveCount(0);

  // The messages keep their server order on both sides.
  for (const person of [ann, ben]) {
    await expect(messages(person.page)).toHaveCount(3);
    const seqs = await messages(person.page).evaluateAll((nodes) =>
      nodes.map((node) => Number(node.getAttribute("data-seq"))),
    );
    expect(seqs).toEqual([1, 2, 3]);
  }
  await screenshots(testInfo, { ann, ben });
  await closeAll(ann, ben);
});

test("a group of three talks, with read counts", async ({ browser }, testInfo) => {
  const owner = await signUp(browser, "olga", "gw-1");
  const pia = await signUp(browser, "pia", "gw-2");
  const quin = await signUp(browser, "quin", "gw-1");
  const groupName = `Trio ${Date.now().toString(36)}`;

  await createGroup(owner, groupName);
  for (const member of [pia, quin]) {
    await actOnSearchResult(owner, member.username, "Invite");
    await expect(owner.page.getByTestId("member").filter({ hasText: member.displayName })).toBeVisible();
  }
  await expect(owner.page.getByTestId("member")).toHaveCount(3);
  await owner.page.getByRole("link", { name: "Open chat" }).click();

  for (const member of [pia, quin]) await openConversation(member, groupName);
  await send(owner, "Welcome to the trio");
  for (const member of [pia, quin])
    await expect(messageWith(member.page, "Welcome to the trio")).toBeVisible();
  await send(quin, "Glad to be here");
  for (const member of [owner, pia]) await expect(messageWith(member.page, "Glad to be here")).toBeVisible();

  // Both others have the conversation open, so both have read the owner's message.
  await expect(messageWith(owner.page, "Welcome to the trio").getByTestId("message-status")).toHaveText(
    "Read by 2",
  );
  await expect(owner.page.getByTestId("chat-status")).toHaveText("3 members");
  await screenshots(testInfo, { owner, pia, quin });
  await closeAll(owner, pia, quin);
});

test("someone who was offline catches up after reconnecting", async ({ browser }, testInfo) => {
  const cal = await signUp(browser, "cal", "gw-1");
  const dee = await signUp(browser, "dee", "gw-2");
  await openDirectChat(cal, dee);
  await send(cal, "Before the tunnel");
  await openConversation(dee, cal.displayName);
  await expect(messageWith(dee.page, "Before the tunnel")).toBeVisible();

  await dee.context.setOffline(true);
  await expect(dee.page.getByTestId("connection")).toHaveAttribute("data-state", "offline");
  for (const text of ["Missed one", "Missed two", "Missed three"]) await send(cal, text);
  await expect(messageWith(cal.page, "Missed three")).toHaveAttribute("data-state", "sent");
  await expect(messageWith(dee.page, "Missed one")).toHaveCount(0);

  await dee.context.setOffline(false);
  await expectConnected(dee.page, "gw-2");
  for (const text of ["Missed one", "Missed two", "Missed three"])
    await expect(messageWith(dee.page, text)).toBeVisible();
  await expect(messages(dee.page)).toHaveCount(4);
  const seqs = await messages(dee.page).evaluateAll((nodes) =>
    nodes.map((node) => Number(node.getAttribute("data-seq"))),
  );
  expect(seqs).toEqual([1, 2, 3, 4]);
  // Read on screen after the catch-up, which the sender sees.
  await expect(messageWith(cal.page, "Missed three").getByTestId("message-status")).toHaveText("Read");
  await screenshots(testInfo, { cal, dee });
  await closeAll(cal, dee);
});

test("read receipts and a recall are seen by the other side", async ({ browser }, testInfo) => {
  const eve = await signUp(browser, "eve", "gw-2");
  const fay = await signUp(browser, "fay", "gw-1");
  await openDirectChat(eve, fay);
  await send(eve, "Did you get my note?");
  const mine = messageWith(eve.page, "Did you get my note?");
  await expect(mine.getByTestId("message-status")).toHaveText("Sent");

  await openConversation(fay, eve.displayName);
  await expect(messageWith(fay.page, "Did you get my note?")).toBeVisible();
  await expect(mine.getByTestId("message-status")).toHaveText("Read");

  await mine.getByRole("button", { name: "Recall" }).click();
  await expect(eve.page.getByTestId("message").first()).toContainText("You recalled a message");
  const theirs = fay.page.getByTestId("message").first();
  await expect(theirs).toContainText("This message was recalled");
  await expect(theirs).toHaveAttribute("data-recalled", "true");
  await expect(fay.page.getByText("Did you get my note?")).toHaveCount(0);
  // The list preview follows.
  await expect(fay.page.getByTestId("conversation-row").filter({ hasText: eve.displayName })).toContainText(
    "This message was recalled",
  );
  await screenshots(testInfo, { eve, fay });
  await closeAll(eve, fay);
});

test("a group invitation arrives as a live notification", async ({ browser }, testInfo) => {
  const gil = await signUp(browser, "gil", "gw-1");
  const hal = await signUp(browser, "hal", "gw-2");
  await expect(hal.page.getByTestId("notification-badge")).toHaveCount(0);
  const groupName = `Book club ${Date.now().toString(36)}`;

  await createGroup(gil, groupName);
  await actOnSearchResult(gil, hal.username, "Invite");

  // Without a reload: the badge, the inbox entry and the new conversation.
  await expect(hal.page.getByTestId("notification-badge")).toHaveText("1");
  await expect(hal.page.getByTestId("conversation-row").filter({ hasText: groupName })).toBeVisible();
  await hal.page.getByRole("link", { name: /Notifications/ }).click();
  await expect(hal.page.getByTestId("notification").first()).toHaveText(
    new RegExp(`${gil.displayName} added you to ${groupName}`),
  );
  await expect(hal.page.getByTestId("notification").first()).toHaveAttribute("data-unread", "true");
  // Opening it reads it and leads to the group's chat.
  await hal.page.getByTestId("notification").first().getByRole("link").click();
  await expect(hal.page.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
  await expect(hal.page.getByTestId("notification-badge")).toHaveCount(0);
  await screenshots(testInfo, { gil, hal });
  await closeAll(gil, hal);
});

test("a message to the seeded super-large group reaches an online member", async ({ browser }, testInfo) => {
  const erin = await signIn(browser, "erin", "gochat-demo", "gw-2");
  const admin = await signIn(browser, "admin", "gochat-admin", "gw-1");
  await openConversation(erin, "Everyone");
  await openConversation(admin, "Everyone");
  await admin.page.getByRole("link", { name: "Group info" }).click();
  await expect(admin.page.getByText("606 members")).toBeVisible();
  await admin.page.getByRole("link", { name: "Open chat" }).click();

  const text = `Fan-out check ${Date.now().toString(36)}`;
  await send(admin, text);
  await expect(messageWith(erin.page, text)).toBeVisible();
  await screenshots(testInfo, { erin, admin });
  await closeAll(erin, admin);
});
