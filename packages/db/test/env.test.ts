import { ConfigError } from "@gochat/config";
import { describe, expect, it } from "vitest";
import { readDbEnv } from "../src/env";

describe("readDbEnv", () => {
  it("defaults to the embedded database", () => {
    expect(readDbEnv({})).toEqual({ DATABASE_POOL_SIZE: 10 });
  });

  it("accepts a PostgreSQL URL and a data directory", () => {
    const env = readDbEnv({
      DATABASE_URL: "postgresql://u@db:5432/gochat",
      GOCHAT_DATA_DIR: "/tmp/x",
      DATABASE_POOL_SIZE: "4",
    });
    expect(env).toEqual({
      DATABASE_URL: "postgresql://u@db:5432/gochat",
      GOCHAT_DATA_DIR: "/tmp/x",
      DATABASE_POOL_SIZE: 4,
    });
  });

  it("resolves a relative data directory from where the command was typed", () => {
    expect(readDbEnv({ GOCHAT_DATA_DIR: ".data/x", INIT_CWD: "/srv/gochat" }).GOCHAT_DATA_DIR).toBe(
      "/srv/gochat/.data/x",
    );
    expect(readDbEnv({ GOCHAT_DATA_DIR: "memory://" }).GOCHAT_DATA_DIR).toBe("memory://");
  });

  it("names a bad variable", () => {
    expect(() => readDbEnv({ DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    expect(() => readDbEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
  });
});
