import { createHmac, timingSafeEqual } from "node:crypto";

/** The header GoChat's services present their credential in. */
export const SERVICE_CREDENTIAL_HEADER = "x-gochat-service";

/**
 * The default credential GoChat's own services present to im-repo's internal API. It is derived from the token
 * secret that every service already holds, so no second secret has to be distributed; no user token can
 * equal it, as those are HMACs over a JSON payload rather than over this fixed label.
 */
export function serviceCredential(secret: string): string {
  return createHmac("sha256", secret).update("gochat:internal-service:v1").digest("base64url");
}

/** Whether `presented` is one of the `accepted` credentials, compared in constant time. */
export function acceptsServiceCredential(
  presented: string | undefined,
  accepted: readonly string[],
): boolean {
  if (presented === undefined) return false;
  const given = Buffer.from(presented);
  let matched = false;
  // Every accepted credential is compared, so timing does not tell which one (or whether any) matched.
  for (const credential of accepted) {
    const expected = Buffer.from(credential);
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

export function isServiceCredential(presented: string | undefined, secret: string): boolean {
  return acceptsServiceCredential(presented, [serviceCredential(secret)]);
}
