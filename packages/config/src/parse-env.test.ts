import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, fields, parseEnv } from "./index";

const shape = {
  PORT: fields.port.default(3000),
  KAFKA_BROKERS: fields.hostPortList.optional(),
  DATABASE_URL: fields.postgresUrl.optional(),
  VERBOSE: fields.flag.default(false),
  NAME: z.string().min(2),
};

describe("parseEnv", () => {
  it("parses, coerces and applies defaults", () => {
    const env = parseEnv("svc", shape, { NAME: "gw", KAFKA_BROKERS: "a:9092, b:9093", VERBOSE: "yes" });
    expect(env).toEqual({ PORT: 3000, KAFKA_BROKERS: ["a:9092", "b:9093"], VERBOSE: true, NAME: "gw" });
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv("svc", shape, { NAME: "gw", PORT: "" }).PORT).toBe(3000);
  });

  it("names every bad variable and what was given", () => {
    let error: unknown;
    try {
      parseEnv("im-gateway", shape, { PORT: "99999", KAFKA_BROKERS: "localhost", DATABASE_URL: "mysql://x" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.variables).toEqual(
      expect.arrayContaining(["PORT", "KAFKA_BROKERS", "DATABASE_URL", "NAME"]),
    );
    expect(configError.message).toContain("Invalid configuration for im-gateway");
    expect(configError.message).toMatch(/PORT: must be between 0 and 65535 \(got "99999"\)/);
    expect(configError.message).toMatch(/KAFKA_BROKERS: each entry must be host:port \(got "localhost"\)/);
    expect(configError.message).toMatch(/NAME: .*\(unset\)/);
  });

  it("rejects a flag that is not a boolean word", () => {
    expect(() => parseEnv("svc", shape, { NAME: "gw", VERBOSE: "maybe" })).toThrow(
      /VERBOSE: must be true or false/,
    );
  });
});
