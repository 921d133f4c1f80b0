import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The secret that signs access tokens. On one machine it is generated once and kept in the data
 * directory (readable by the owner only) so tokens survive a restart; production passes GOCHAT_TOKEN_SECRET.
 */
export async function loadOrCreateTokenSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, "token-secret");
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}
