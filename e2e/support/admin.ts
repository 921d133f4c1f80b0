import { Kafka, logLevel } from "kafkajs";
import {
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import { readE2eEnv, readKafkaCredentials } from "./env";

const { ports } = readE2eEnv();

export const adminUrl = `http://127.0.0.1:${ports.admin}`;
export const repoUrl = `http://127.0.0.1:${ports.repo}/trpc`;
export const brokerAddress = `127.0.0.1:${ports.broker}`;
/** The embedded trace store, where the start command puts it: the API port + 318. */
export const traceStoreUrl = `http://127.0.0.1:${ports.repo + 318}`;

export interface Operator {
  context: BrowserContext;
  page: Page;
}

/** Opens the admin console and signs in through its form; `expectTo` is where the console sends them. */
export async function signInToConsole(
  browser: Browser,
  username: string,
  password: string,
  width = 1280,
): Promise<Operator> {
  const context = await browser.newContext({ baseURL: adminUrl, viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return { context, page };
}

export async function signInAsAdmin(browser: Browser, width?: number): Promise<Operator> {
  const operator = await signInToConsole(browser, "admin", "gochat-admin", width);
  await expect(operator.page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  return operator;
}

/** Signs in through im-repo's API, as any client would, and returns the access token. */
export async function accessTokenOf(
  request: APIRequestContext,
  username: string,
  password: string,
): Promise<string> {
  const response = await request.post(`${repoUrl}/auth.signIn`, { data: { username, password } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  return body.result.data.accessToken;
}

export async function signUpThroughApi(request: APIRequestContext, username: string): Promise<string> {
  const response = await request.post(`${repoUrl}/auth.signUp`, {
    data: { username, displayName: username, password: "correct horse battery" },
  });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { result: { data: { user: { id: string } } } }).result.data.user.id;
}

/** A Kafka client for the system under test, with the embedded broker's SASL credentials. */
export function systemKafka(clientId: string): Kafka {
  const credentials = readKafkaCredentials();
  return new Kafka({
    brokers: [brokerAddress],
    clientId,
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: "plain", ...credentials },
  });
}
