import { z } from "zod";

/** Configuration that failed validation; the message names every bad variable and why. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly variables: readonly string[];

  constructor(service: string, problems: readonly { variable: string; message: string }[]) {
    super(
      `Invalid configuration for ${service}:\n` +
        problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join("\n"),
    );
    this.variables = problems.map((problem) => problem.variable);
  }
}

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses a service's environment once, at start-up. Empty strings count as unset, so `FOO=` in a shell
 * falls back to the default instead of failing as an invalid value.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  service: string,
  shape: Shape,
  source: EnvSource,
): z.infer<z.ZodObject<Shape>> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") present[key] = value.trim();
  }
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "(environment)");
    const given = present[variable];
    const shown =
      given === undefined
        ? "unset"
        : `got ${JSON.stringify(given.length > 80 ? given.slice(0, 80) + "…" : given)}`;
    return { variable, message: `${issue.message} (${shown})` };
  });
  throw new ConfigError(service, problems);
}
