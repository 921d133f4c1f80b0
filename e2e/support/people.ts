import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";

export interface Person {
  username: string;
  displayName: string;
  context: BrowserContext;
  page: Page;
}

let counter = 0;

/** A username no other journey or earlier run uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`.toLowerCase();
}

async function openOn(browser: Browser, gateway: string) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  return { context, page, gateway };
}

/** Waits until the tab's live connection is up, on the gateway it was sent to. */
export async function expectConnected(page: Page, gateway: string): Promise<void> {
  const banner = page.getByTestId("connection");
  await expect(banner).toHaveAttribute("data-state", "online");
  await expect(banner).toHaveAttribute("data-gateway", gateway);
}

/** Signs a new person up through the form, then pins the tab to one gateway instance. */
export async function signUp(browser: Browser, prefix: string, gateway: string): Promise<Person> {
  const { context, page } = await openOn(browser, gateway);
  const username = uniqueName(prefix);
  const displayName = `${prefix[0]?.toUpperCase() ?? ""}${prefix.slice(1)} ${username.slice(-4)}`;
  await page.goto("/sign-up");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Display name").fill(displayName);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/chat");
  await page.goto(`/chat?gateway=${gateway}`);
  await expectConnected(page, gateway);
  return { username, displayName, context, page };
}

/** Signs a seeded demo user in. */
export async function signIn(
  browser: Browser,
  username: string,
  password: string,
  gateway: string,
): Promise<Person> {
  const { context, page } = await openOn(browser, gateway);
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/chat");
  await page.goto(`/chat?gateway=${gateway}`);
  await expectConnected(page, gateway);
  const displayName = (await page.locator(".me-name").textContent()) ?? username;
  return { username, displayName, context, page };
}

/** Opens (creating on first use) the direct conversation with someone, through the people search. */
export async function openDirectChat(person: Person, other: Person): Promise<void> {
  await person.page.getByPlaceholder("Search people").fill(other.username);
  await person.page.getByTestId("search-result").filter({ hasText: other.username }).click();
  await expect(person.page.getByRole("heading", { level: 1, name: other.displayName })).toBeVisible();
}

export async function openConversation(person: Person, name: string): Promise<void> {
  await person.page.getByTestId("conversation-row").filter({ hasText: name }).first().click();
  await expect(person.page.getByRole("heading", { level: 1, name })).toBeVisible();
}

export async function send(person: Person, text: string): Promise<void> {
  await person.page.getByLabel("Message", { exact: true }).fill(text);
  await person.page.keyboard.press("Enter");
}

export function messages(page: Page) {
  return page.getByTestId("message");
}

export function messageWith(page: Page, text: string) {
  return page.getByTestId("message").filter({ hasText: text });
}

/** Leaves a screenshot of each person's screen as an artifact of the journey. */
export async function screenshots(testInfo: TestInfo, people: Record<string, Person>): Promise<void> {
  for (const [name, person] of Object.entries(people)) {
    const path = testInfo.outputPath(`${name}.png`);
    await person.page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: "image/png" });
  }
}

export async function closeAll(...people: Person[]): Promise<void> {
  await Promise.all(people.map((person) => person.context.close()));
}

/** Creates a group from the New group page and opens its info page. */
export async function createGroup(owner: Person, name: string): Promise<void> {
  await owner.page.getByRole("link", { name: "New group" }).click();
  await owner.page.getByLabel("Group name").fill(name);
  await owner.page.getByRole("button", { name: "Create group" }).click();
  await expect(owner.page.getByRole("heading", { level: 1, name })).toBeVisible();
  await owner.page.getByRole("link", { name: "Group info" }).click();
}

/** Searches people by username on the current page and presses the button on the result for `username`. */
export async function actOnSearchResult(person: Person, username: string, button: string): Promise<void> {
  await person.page.getByPlaceholder("Search by username").fill(username);
  await person.page.getByRole("button", { name: "Search" }).click();
  await person.page
    .getByRole("listitem")
    .filter({ hasText: username })
    .getByRole("button", { name: button })
    .click();
}
