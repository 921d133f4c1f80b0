import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt's cost: N (CPU/memory, a power of two), r (block size) and p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's current minimum for scrypt (N=2^17, r=8, p=1: 128 MiB, ~0.4 s here). Production default. */
export const OWASP_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
const PREFIX = "scrypt";

export interface PasswordCheck {
  matches: boolean;
  /** The stored hash was made with another cost than the configured one: store a fresh hash. */
  needsRehash: boolean;
}

/** Hashes and verifies passwords at one configured cost. */
export interface PasswordHasher {
  readonly cost: ScryptCost;
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<PasswordCheck>;
  /**
   * A hash of a random secret at the configured cost. Checking a password against it costs what checking a
   * real one costs, so a sign-in for an unknown user takes as long as one for a known user.
   */
  dummyHash(): Promise<string>;
}

function deriveKey(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // Node refuses scrypt above 32 MiB unless maxmem allows it: 128·N·r bytes plus headroom.
  const options: ScryptOptions = { ...cost, maxmem: 128 * cost.N * cost.r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function parseStored(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const [prefix, n, r, p, salt, key] = stored.split("$");
  if (prefix !== PREFIX || !n || !r || !p || !salt || !key) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  return { cost, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
}

const sameCost = (a: ScryptCost, b: ScryptCost) => a.N === b.N && a.r === b.r && a.p === b.p;

/** `scrypt$N$r$p$salt$key` (base64): the cost travels with each hash, so it can be raised later. */
export function createPasswordHasher(cost: ScryptCost = OWASP_SCRYPT_COST): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(16);
    const key = await deriveKey(password, salt, cost);
    return [PREFIX, cost.N, cost.r, cost.p, salt.toString("base64"), key.toString("base64")].join("$");
  };
  return {
    cost,
    hash,
    async verify(password, stored) {
      const parsed = parseStored(stored);
      if (parsed === undefined) return { matches: false, needsRehash: false };
      const actual = await deriveKey(password, parsed.salt, parsed.cost);
      const matches = actual.length === parsed.key.length && timingSafeEqual(actual, parsed.key);
      return { matches, needsRehash: matches && !sameCost(parsed.cost, cost) };
    },
    dummyHash() {
      dummy ??= hash(randomBytes(24).toString("base64"));
      return dummy;
    },
  };
}

/** The hasher at the production cost, for callers that are not configured otherwise. */
export const defaultPasswordHasher: PasswordHasher = createPasswordHasher();

export function hashPassword(
  password: string,
  hasher: PasswordHasher = defaultPasswordHasher,
): Promise<string> {
  return hasher.hash(password);
}

export async function verifyPassword(
  password: string,
  stored: string,
  hasher: PasswordHasher = defaultPasswordHasher,
): Promise<boolean> {
  return (await hasher.verify(password, stored)).matches;
}
