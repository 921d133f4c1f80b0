// Generates the Prisma client into src/generated/prisma when the schema or Prisma's version changed.
// typecheck, lint and test each run this first (so a fresh clone works), and Turbo runs them at the
// same time: a lock directory serializes the runs, and a stamp makes all but the first a no-op.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = join(packageDir, "..", "..", "prisma", "schema.prisma");
const generatedDir = join(packageDir, "src", "generated");
const stampPath = join(generatedDir, ".stamp");
const lockPath = join(generatedDir, ".lock");
const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const prismaVersion = JSON.parse(readFileSync(require.resolve("prisma/package.json"), "utf8")).version;

const wanted = createHash("sha256").update(prismaVersion).update(readFileSync(schemaPath)).digest("hex");
const isCurrent = () =>
  existsSync(join(generatedDir, "prisma", "client.ts")) &&
  existsSync(stampPath) &&
  readFileSync(stampPath, "utf8") === wanted;

function acquireLock() {
  const deadline = Date.now() + 120_000;
  mkdirSync(generatedDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockPath);
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A lock older than a minute belongs to a run that died.
      if (Date.now() - statSync(lockPath).mtimeMs > 60_000)
        rmSync(lockPath, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath}`, { cause: error });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

if (!isCurrent()) {
  acquireLock();
  try {
    if (!isCurrent()) {
      const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schemaPath], {
        cwd: packageDir,
        stdio: "inherit",
      });
      if (result.status !== 0) process.exit(result.status ?? 1);
      writeFileSync(stampPath, wanted);
    }
  } finally {
    rmSync(lockPath, { recursive: true, force: true });
  }
}
