import type { PoolConfig } from "pg";

/**
 * Splits a postgres:// URL into discrete pg fields. pg lets a `connectionString` override `database`,
 * so a config that must point at a different database (a shadow or scratch one) cannot keep the string.
 */
export function parsePostgresUrl(url: string): PoolConfig & { database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres";
  const config: PoolConfig & { database: string } = {
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    database,
  };
  if (parsed.username) config.user = decodeURIComponent(parsed.username);
  if (parsed.password) config.password = decodeURIComponent(parsed.password);
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode && sslmode !== "disable") config.ssl = { rejectUnauthorized: sslmode === "verify-full" };
  return config;
}

/** The same server with another database name, as a URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Double-quotes an identifier for SQL that cannot take it as a parameter (CREATE/DROP DATABASE). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
