export { ConfigError, parseEnv } from "./parse-env";
export * as fields from "./fields";
