import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { lowerPriority, spawnProcess, spawnService, type ServiceProcess } from "./child-process";
import { isAlive } from "../../test/processes";

const backendDir = join(import.meta.dirname, "../..");
let dir: string | undefined;
let service: ServiceProcess | undefined;

afterEach(async () => {
  if (service !== undefined && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill("SIGKILL");
    await service.exited;
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it("runs a service from source as the process it returns, so a SIGKILL ends the service", async () => {
  dir = await mkdtemp(join(tmpdir(), "gochat-spawn-"));
  const entry = join(dir, "main.ts");
  const pidFile = join(dir, "pid");
  await writeFile(
    entry,
    `import { writeFileSync } from "node:fs";\n` +
      `const seconds: number = 60;\n` +
      `writeFileSync(process.env.PID_FILE ?? "", String(process.pid));\n` +
      `setTimeout(() => undefined, seconds * 1000);\n`,
  );
  service = spawnService("probe", entry, { ...process.env, PID_FILE: pidFile }, backendDir);
  let pid: number | undefined;
  for (let i = 0; i < 200 && pid === undefined; i++) {
    pid = await readFile(pidFile, "utf8").then(Number, () => undefined);
    if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(pid).toBe(service.child.pid);

  service.child.kill("SIGKILL");
  await service.exited;
  expect(isAlive(pid ?? 0)).toBe(false);
});

it("lowers a started process's priority, and leaves one that has exited alone", async () => {
  service = spawnProcess(
    "sleeper",
    process.execPath,
    ["-e", "setTimeout(() => {}, 60_000)"],
    process.env,
    backendDir,
  );
  const pid = service.child.pid ?? 0;
  // Relative to this process's own niceness, which the child inherits.
  const usual = getPriority();
  const lower = Math.min(19, usual + 7);
  expect(getPriority(pid)).toBe(usual);
  lowerPriority(service, 0);
  expect(getPriority(pid)).toBe(usual);
  lowerPriority(service, lower);
  expect(getPriority(pid)).toBe(lower);

  service.child.kill("SIGKILL");
  await service.exited;
  expect(() => lowerPriority(service as ServiceProcess, lower)).not.toThrow();
});
