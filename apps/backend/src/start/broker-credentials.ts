import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

const credentials = z.object({ username: z.string().min(1), password: z.string().min(32) });
export type BrokerCredentials = z.infer<typeof credentials>;

/**
 * The SASL/PLAIN user of the embedded broker: generated once into its data directory (readable by the
 * owner only), so that only processes that can read that directory, the start command and the services it
 * starts, can produce to or consume from GoChat's topics.
 */
export async function loadOrCreateBrokerCredentials(brokerDataDir: string): Promise<BrokerCredentials> {
  const file = join(brokerDataDir, "sasl-credentials.json");
  try {
    const parsed = credentials.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) return parsed.data;
  } catch (error) {
    if (!(error instanceof SyntaxError) && (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(brokerDataDir, { recursive: true });
  const created = { username: "gochat", password: randomBytes(32).toString("base64url") };
  await writeFile(file, JSON.stringify(created) + "\n", { mode: 0o600 });
  return created;
}
