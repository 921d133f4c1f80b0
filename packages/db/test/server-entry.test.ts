import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Imports a specifier in a fresh Node process, as a bundler resolving with the given conditions would. */
function importWithConditions(specifier: string, conditions: string[]) {
  const script = `import(${JSON.stringify(specifier)}).then((m) => console.log(typeof m.openDatabase), (e) => { console.error(e.message); process.exit(3); })`;
  return spawnSync(
    process.execPath,
    [
      ...conditions.map((condition) => `--conditions=${condition}`),
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      script,
    ],
    { encoding: "utf8", cwd: import.meta.dirname },
  );
}

describe("@gochat/db/server", () => {
  it("loads on the server", () => {
    const result = importWithConditions("@gochat/db/server", []);
    expect(result.stderr).not.toContain("server-only");
    expect(result.stdout.trim()).toBe("function");
  }, 30_000);

  it("refuses to load under the browser condition", () => {
    const result = importWithConditions("@gochat/db/server", ["browser"]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("server-only");
  }, 30_000);
});
