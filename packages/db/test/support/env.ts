/** Admin connection used to create and drop a throw-away database per test run. */
export const testAdminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The environment for a child process: this one's, minus any database selection, plus `vars`. */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, GOCHAT_DATA_DIR: _dir, ...inherited } = process.env;
  return { ...inherited, ...vars };
}
