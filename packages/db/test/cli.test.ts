import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./support/env";
import { copyPrismaDir, editFile } from "./support/migration-fixtures";
import { createScratchPostgres, type ScratchPostgres } from "./support/test-databases";

const cli = join(import.meta.dirname, "..", "src", "cli", "db-cli.ts");

/** Runs the db CLI as `npm run db:*` does, with only the given database variables set. */
function runCli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    encoding: "utf8",
    env: childEnv(env),
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("db CLI", () => {
  let root: string;
  let scratch: ScratchPostgres;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gochat-cli-"));
    scratch = await createScratchPostgres();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await scratch.drop();
  });

  it("deploys, reports status, creates a migration and resets on PGlite", async () => {
    // GOCHAT_DATA_DIR is GoChat's data directory; the embedded database lives in its pglite/ folder.
    const dataDir = join(root, "pglite");
    const env = { GOCHAT_DATA_DIR: root };
    const deploy = runCli(["deploy"], env);
    expect(deploy.output).toContain(`Target: PGlite at ${dataDir}\n`);
    expect(deploy.output).toMatch(/Applied:\n {2}- \d{14}_init/);
    expect(deploy.status).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    expect(runCli(["status"], env)).toMatchObject({ status: 0 });

    const prisma = await copyPrismaDir();
    try {
      await editFile(prisma.schemaPath, (schema) =>
        schema.replace("  bio          String", "  pronouns     String?\n  bio          String"),
      );
      expect(runCli(["status", "--prisma-dir", prisma.dir], env).status).toBe(0);
      const migrate = runCli(["migrate", "--name", "pronouns", "--prisma-dir", prisma.dir], env);
      expect(migrate.output).toMatch(/Created .*_pronouns\/migration\.sql/);
      expect(migrate.status).toBe(0);
      const reset = runCli(["reset", "--prisma-dir", prisma.dir], env);
      // Every migration of the repository, oldest first, then the new one.
      expect(reset.output).toMatch(
        /Reset; applied:\n {2}- \d{14}_init\n(?: {2}- \d{14}_\w+\n)* {2}- \d{14}_pronouns\n/,
      );
    } finally {
      await prisma.remove();
    }
  }, 90_000);

  it("deploys to PostgreSQL and refuses to reset it without --force", () => {
    const env = { DATABASE_URL: scratch.url };
    expect(runCli(["deploy"], env)).toMatchObject({ status: 0 });
    expect(runCli(["deploy"], env).output).toContain("Applied: none");
    const reset = runCli(["reset"], env);
    expect(reset.status).toBe(1);
    expect(reset.output).toContain("--force");
    expect(runCli(["reset", "--force"], env)).toMatchObject({ status: 0 });
    expect(runCli(["resolve"], env).output).toContain("resolve needs --rolled-back");
  }, 60_000);
});
