import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";

export const benchEnv = parseEnv(
  "@gochat/db bench",
  {
    BENCH_MESSAGES: fields.positiveInt.default(20_000),
    BENCH_CONVERSATIONS: fields.positiveInt.default(200),
    BENCH_BATCH_SIZES: z.string().default("100,500"),
    /** Admin connection for the scratch database; the bench creates and drops its own. */
    BENCH_DATABASE_URL: fields.postgresUrl.default("postgresql://postgres@127.0.0.1:5432/postgres"),
    BENCH_OUTPUT: z.string().default(new URL("../../../bench-results/db.json", import.meta.url).pathname),
  },
  process.env,
);

export const acceptBenchEnv = parseEnv(
  "@gochat/db accept bench",
  {
    BENCH_ACCEPT_CONVERSATIONS: fields.positiveInt.default(200),
    BENCH_ACCEPT_BATCH_SIZES: z
      .string()
      .regex(/^\d+(,\d+)*$/, "comma-separated batch sizes")
      .default("1,20,50,200"),
    BENCH_ACCEPT_ROUNDS: fields.positiveInt.default(200),
    BENCH_ACCEPT_OUTPUT: z
      .string()
      .default(new URL("../../../bench-results/db-accept.json", import.meta.url).pathname),
  },
  process.env,
);
