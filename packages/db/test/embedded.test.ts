import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "../src/embedded/open-pglite";
import { openDatabase } from "../src/open-database";
import { createUser, findUserByUsername } from "../src/repositories/users";

/** A process that has certainly exited, so its pid is free (or reused, which the owner check tolerates). */
async function pidOfExitedProcess(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}

describe("embedded PGlite", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gochat-pglite-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("is owned by one opener at a time and releases the lock on close", async () => {
    const dataDir = join(root, "owned");
    const first = await openPglite(dataDir);
    const lock = JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await expect(openPglite(dataDir)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining(`in use by process ${process.pid}`) as unknown,
    });
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const second = await openPglite(dataDir);
    await second.close();
  }, 30_000);

  it("refuses a directory locked by another live process", async () => {
    const dataDir = join(root, "foreign");
    const sleeper = spawn("sleep", ["30"]);
    try {
      const hostname = (await import("node:os")).hostname();
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: sleeper.pid, hostname, acquiredAt: "earlier" }));
      await expect(openPglite(dataDir)).rejects.toThrow(`in use by process ${sleeper.pid}`);
    } finally {
      sleeper.kill();
    }
  });

  it("refuses a second process and takes over once the owner was killed", async () => {
    const dataDir = join(root, "two-processes");
    const holder = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "support", "hold-pglite.ts"), dataDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve();
      });
      holder.on("exit", (code) => {
        reject(new Error(`holder exited with ${code}`));
      });
    });
    await expect(openPglite(dataDir)).rejects.toThrow(`in use by process ${holder.pid}`);
    const exited = new Promise((resolve) => holder.on("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    const owned = await openPglite(dataDir);
    expect((JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")) as { pid: number }).pid).toBe(process.pid);
    await owned.close();
  }, 60_000);

  it("takes over a stale lock left by a dead process", async () => {
    const dataDir = join(root, "stale");
    const hostname = (await import("node:os")).hostname();
    writeFileSync(
      `${dataDir}.lock`,
      JSON.stringify({ pid: await pidOfExitedProcess(), hostname, acquiredAt: "then" }),
    );
    const owned = await openPglite(dataDir);
    expect((JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")) as { pid: number }).pid).toBe(process.pid);
    await owned.close();
  }, 30_000);

  it("migrates at start and keeps data across restarts", async () => {
    const dataDir = join(root, "persisted");
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe("pglite");
    expect(first.appliedMigrations.length).toBeGreaterThan(0);
    await createUser(first.prisma, { username: "persisted", displayName: "P", password: "secret-pass" });
    await first.close();
    const second = await openDatabase({ dataDir });
    expect(second.appliedMigrations).toEqual([]);
    expect((await findUserByUsername(second.prisma, "persisted"))?.displayName).toBe("P");
    await second.close();
  }, 60_000);
});
