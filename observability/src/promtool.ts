import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Grafana's interval variables, replaced by fixed windows so Prometheus can evaluate the expression. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__range", "5m")
    .replaceAll("$__interval", "15s");
}

/** `promtool` with arguments; resolves with its output, rejects with it when it fails. */
export async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run("promtool", args);
    return stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/** Parses every expression with Prometheus's own parser, as recording rules checked by promtool. */
export async function checkExpressions(exprs: readonly string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "gochat-promql-"));
  try {
    const rules = exprs.map(
      (expr, i) =>
        `      - record: gochat:panel_${i}\n        expr: ${JSON.stringify(withoutGrafanaVariables(expr))}`,
    );
    const file = join(dir, "panels.rules.yml");
    await writeFile(file, `groups:\n  - name: panels\n    rules:\n${rules.join("\n")}\n`);
    await promtool("check", "rules", file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
