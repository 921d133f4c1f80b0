import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { acquireOwnerLock } from "./owner-lock";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "owner-lock-"));
  dirs.push(dir);
  return join(dir, "data.lock");
}

const inUse = (owner: { pid: number }) => new Error(`in use by process ${owner.pid}`);

it("has one owner at a time and frees the lock on release", () => {
  const path = lockPath();
  const lock = acquireOwnerLock(path, inUse);
  expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ pid: process.pid, hostname: hostname() });
  expect(() => acquireOwnerLock(path, inUse)).toThrow(`in use by process ${process.pid}`);
  lock.release();
  expect(existsSync(path)).toBe(false);
  acquireOwnerLock(path, inUse).release();
});

it("takes over a lock whose owner is dead, and a lock that was only half written", () => {
  const path = lockPath();
  // A pid that existed and is gone: a child that has exited.
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  writeFileSync(
    path,
    JSON.stringify({ pid: dead, hostname: hostname(), acquiredAt: "2026-01-01T00:00:00Z" }),
  );
  acquireOwnerLock(path, inUse).release();
  writeFileSync(path, '{"pid": 12');
  const lock = acquireOwnerLock(path, inUse);
  expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ pid: process.pid });
  lock.release();
});

it("leaves a lock it does not own in place on release", () => {
  const path = lockPath();
  const lock = acquireOwnerLock(path, inUse);
  writeFileSync(path, JSON.stringify({ pid: process.pid + 1, hostname: "elsewhere", acquiredAt: "x" }));
  lock.release();
  expect(existsSync(path)).toBe(true);
});
