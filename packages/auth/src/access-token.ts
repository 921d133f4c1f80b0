import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError, entityId } from "@gochat/contracts";
import { z } from "zod";

/**
 * Access tokens are `<payload>.<signature>`, both base64url: the payload names the user and the session
 * and when the token expires; the signature is HMAC-SHA256 over the payload with a secret every service
 * shares. A gateway can then authenticate a socket handshake without asking the database, and a stolen
 * token is only good until it expires (sign-out revokes the session, which stops its renewal).
 * The role rides along so that the admin console and admin procedures can authorize without a lookup;
 * a token from before roles were carried has none and counts as a plain user's.
 */
export const accessRoles = ["user", "admin"] as const;
export type AccessRole = (typeof accessRoles)[number];

const claims = z.object({
  v: z.literal(1),
  sub: entityId,
  sid: entityId,
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  /** The user's role when the token was issued; tokens without one are a user's. */
  role: z.enum(accessRoles).default("user"),
});
export type AccessTokenClaims = z.infer<typeof claims>;

/** At least 32 bytes, as HMAC-SHA256 gains nothing from a longer key and loses from a shorter one. */
export const MIN_SECRET_BYTES = 32;

function sign(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

function checkSecret(secret: string): void {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(`the token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

export function issueAccessToken(
  /** Without a role the token is a plain user's. */
  subject: { userId: string; sessionId: string; role?: AccessRole },
  secret: string,
  options: { ttlSeconds: number; now?: number },
): { token: string; expiresAt: number } {
  checkSecret(secret);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const body: AccessTokenClaims = {
    v: 1,
    sub: subject.userId,
    sid: subject.sessionId,
    iat,
    exp: iat + options.ttlSeconds,
    role: subject.role ?? "user",
  };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return { token: `${payload}.${sign(payload, secret).toString("base64url")}`, expiresAt: body.exp * 1000 };
}

/** Returns the token's claims, or throws `AppError("UNAUTHENTICATED")` saying why it was refused. */
export function verifyAccessToken(
  token: string,
  secret: string,
  now: number = Date.now(),
): AccessTokenClaims {
  checkSecret(secret);
  const parts = token.split(".");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw new AppError("UNAUTHENTICATED", "malformed access token");
  }
  const [payload, signature] = parts as [string, string];
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("UNAUTHENTICATED", "access token signature does not match");
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw new AppError("UNAUTHENTICATED", "malformed access token");
  }
  const parsed = claims.safeParse(decoded);
  if (!parsed.success) throw new AppError("UNAUTHENTICATED", "malformed access token");
  if (parsed.data.exp * 1000 <= now) throw new AppError("UNAUTHENTICATED", "access token expired");
  return parsed.data;
}
