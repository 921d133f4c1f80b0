import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The credential GoChat's own services present to im-repo's internal API. It is derived from the token
 * secret that every service already holds, so no second secret has to be distributed; no user token can
 * equal it, as those are HMACs over a JSON payload rather than over this fixed label.
 */
export function serviceCredential(secret: string): string {
  return createHmac("sha256", secret).update("gochat:internal-service:v1").digest("base64url");
}

export function isServiceCredential(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(serviceCredential(secret));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
