import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../src/open-database";
import { pgliteDirIn } from "../src/paths";
import { createUser, listAudit, findUserByUsername } from "../src/repositories/index";
import { childEnv } from "./support/env";

const cli = join(import.meta.dirname, "..", "src", "cli", "role-cli.ts");

let root: string;

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    encoding: "utf8",
    env: childEnv({ GOCHAT_DATA_DIR: root }),
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function withDatabase<T>(
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ dataDir: pgliteDirIn(root) });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gochat-role-cli-"));
  await withDatabase((database) =>
    createUser(database.prisma, { username: "Olga", displayName: "Olga", password: "password-olga" }),
  );
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it("makes a user admin and back, recording each change in the audit log", async () => {
  const promoted = runCli(["OLGA", "admin"]);
  expect(promoted.output).toContain("olga now has the admin role.");
  expect(promoted.status).toBe(0);
  expect(runCli(["olga", "user"]).status).toBe(0);
  await withDatabase(async (database) => {
    const user = await findUserByUsername(database.prisma, "olga");
    expect(user?.role).toBe("user");
    const entries = await listAudit(database.prisma, { limit: 10, action: "user.role.changed" });
    expect(entries.map((entry) => entry.details)).toEqual([
      { username: "olga", role: "user" },
      { username: "olga", role: "admin" },
    ]);
    expect(entries[0]).toMatchObject({ actorId: null, actorName: "command line", target: user?.id });
  });
}, 60_000);

it("names what is wrong with its arguments", () => {
  const unknown = runCli(["nobody", "admin"]);
  expect(unknown.status).toBe(1);
  expect(unknown.output).toContain('there is no user "nobody"');
  const badRole = runCli(["olga", "root"]);
  expect(badRole.status).toBe(1);
  expect(badRole.output).toContain('the role must be "admin" or "user"');
  expect(runCli([]).status).toBe(1);
}, 60_000);
