import { isAppError, type ErrorBody } from "@gochat/contracts";
import { verifyAccessToken } from "./access-token";
import { acceptsServiceCredential, SERVICE_CREDENTIAL_HEADER } from "./service-credential";

/** What opens an operator endpoint (figures, consoles): an admin's access token or a service credential. */
export interface OperatorAccess {
  tokenSecret: string;
  serviceCredentials: readonly string[];
}

/**
 * Decides an operator request from its headers: `Authorization: Bearer <access token>` of a user whose role
 * is admin, or the service credential header. Returns undefined when allowed, else the refusal.
 */
export function authorizeOperator(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  access: OperatorAccess,
): { status: 401 | 403; error: ErrorBody } | undefined {
  const credential = headers[SERVICE_CREDENTIAL_HEADER];
  if (typeof credential === "string" && acceptsServiceCredential(credential, access.serviceCredentials))
    return undefined;
  const authorization = headers.authorization;
  const match = typeof authorization === "string" ? /^Bearer (.+)$/.exec(authorization) : null;
  if (match?.[1] === undefined)
    return {
      status: 401,
      error: {
        code: "UNAUTHENTICATED",
        message: "an admin's access token or the service credential is required",
      },
    };
  try {
    const claims = verifyAccessToken(match[1], access.tokenSecret);
    if (claims.role === "admin") return undefined;
    return { status: 403, error: { code: "FORBIDDEN", message: "only admins may read this" } };
  } catch (error) {
    return {
      status: 401,
      error: { code: "UNAUTHENTICATED", message: isAppError(error) ? error.message : "invalid access token" },
    };
  }
}
