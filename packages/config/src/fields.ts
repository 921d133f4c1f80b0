import { z } from "zod";

/** Reusable parsers for environment variables, which always arrive as strings. */

export const port = z.coerce
  .number({ message: "must be a port number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

export const positiveInt = z.coerce
  .number({ message: "must be a number" })
  .int("must be a whole number")
  .positive("must be positive");

export const nonNegativeInt = z.coerce
  .number({ message: "must be a number" })
  .int("must be a whole number")
  .nonnegative("must not be negative");

export const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** A comma-separated list: entries trimmed, empty ones dropped, each checked by `entry`, at least one. */
export function commaList<Entry extends z.ZodType<unknown, string>>(entry: Entry, noneMessage: string) {
  return z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(z.array(entry).min(1, noneMessage));
}

/** `host:port,host:port` as Kafka's bootstrap list is written. */
export const hostPortList = commaList(
  z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "each entry must be host:port"),
  "must list at least one host:port",
);

export const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
  .pipe(z.url({ message: "must be a valid URL" }));

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Origins allowed to call a service from a browser: `*` for any, or a comma-separated list of origins. */
export const corsOrigins = z.union([
  z.literal("*").transform((): string[] | true => true),
  commaList(
    z.string().regex(/^https?:\/\/[^/\s]+$/, "each entry must be an origin such as https://chat.example.com"),
    "must list at least one origin, or be *",
  ),
]);

/** The origins the chat client is served from by default (`npm start`, port 3000). */
export const DEFAULT_WEB_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"];
