import { isAbsolute, resolve } from "node:path";
import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";

export const dbEnvShape = {
  /** PostgreSQL in production and CI; when unset, the embedded PGlite in GOCHAT_DATA_DIR/pglite is used. */
  DATABASE_URL: fields.postgresUrl.optional(),
  GOCHAT_DATA_DIR: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: fields.positiveInt.default(10),
};

export type DbEnv = z.infer<z.ZodObject<typeof dbEnvShape>>;

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * The data layer's configuration, validated once; the source is injectable for tests. A relative
 * GOCHAT_DATA_DIR is taken from where the command was typed (npm's INIT_CWD), not from the workspace
 * directory npm switches to, so `GOCHAT_DATA_DIR=.data/x npm run db:deploy` means the same from anywhere.
 */
export function readDbEnv(source: EnvSource = process.env): DbEnv {
  const env = parseEnv("@gochat/db", dbEnvShape, source);
  const dataDir = env.GOCHAT_DATA_DIR;
  if (dataDir === undefined || isAbsolute(dataDir) || dataDir.startsWith("memory://")) return env;
  return { ...env, GOCHAT_DATA_DIR: resolve(source.INIT_CWD ?? process.cwd(), dataDir) };
}

/** `npm run db:seed`: how many generated users join the super-large demo group (above its threshold of 500). */
export function readSeedEnv(source: EnvSource = process.env): { crowdSize: number } {
  const env = parseEnv("db:seed", { GOCHAT_SEED_CROWD: fields.nonNegativeInt.default(5000) }, source);
  return { crowdSize: env.GOCHAT_SEED_CROWD };
}
