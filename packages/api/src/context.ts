import type { IncomingMessage } from "node:http";
import {
  acceptsServiceCredential,
  SERVICE_CREDENTIAL_HEADER,
  verifyAccessToken,
  type AccessRole,
} from "@gochat/auth";
import type { TopicValue } from "@gochat/contracts";
import type { PasswordHasher, PrismaClient } from "@gochat/db/server";
import type { AuthThrottle } from "./services/auth-throttle";

/** What im-repo gives the API when it starts. */
export interface ApiDeps {
  db: PrismaClient;
  tokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlMs: number;
  /** Hashes new passwords and checks sign-ins, at the configured scrypt cost. */
  passwordHasher: PasswordHasher;
  authThrottle: AuthThrottle;
  /** Service credentials `internal.*` accepts: the current one and, while it is rotated, the previous. */
  serviceCredentials: readonly string[];
  /** How long a gateway's presence counts after its last heartbeat. */
  presenceTtlMs: number;
  /** How long after sending a sender may recall a message. */
  recallWindowMs: number;
  /** Produces to `gochat.user-events` (profile updates, a restarted gateway's users going offline), in one call. */
  publishUserEvents: (events: TopicValue<"userEvents">[]) => Promise<void>;
  /** Hands actions someone must be told about to im-logic, through `gochat.messages.upstream`. */
  publishNotices: (notices: Extract<TopicValue<"upstream">, { kind: "notify" }>[]) => Promise<void>;
}

export interface ApiContext extends ApiDeps {
  /** The caller, when a valid access token came with the request. */
  auth: { userId: string; sessionId: string; role: AccessRole } | undefined;
  /** Why a presented token was refused, reported only when a procedure needs a caller. */
  authError: string | undefined;
  userAgent: string | undefined;
  /** The caller's network address, which sign-in and sign-up throttle. */
  clientAddress: string;
  /** A GoChat service presented the internal credential (`x-gochat-service`). */
  isService: boolean;
}

export { SERVICE_CREDENTIAL_HEADER };

/** Builds the per-request context from the `Authorization: Bearer <access token>` header. */
export function createApiContext(
  deps: ApiDeps,
  request: {
    authorization?: string | undefined;
    userAgent?: string | undefined;
    serviceCredential?: string | undefined;
    clientAddress?: string | undefined;
  },
): ApiContext {
  const base = {
    ...deps,
    userAgent: request.userAgent,
    clientAddress: request.clientAddress ?? "unknown",
    auth: undefined,
    authError: undefined,
    isService: acceptsServiceCredential(request.serviceCredential, deps.serviceCredentials),
  };
  const header = request.authorization;
  if (header === undefined || header === "") return base;
  const match = /^Bearer (.+)$/.exec(header);
  if (match?.[1] === undefined)
    return { ...base, authError: "the Authorization header must be 'Bearer <token>'" };
  try {
    const claims = verifyAccessToken(match[1], deps.tokenSecret);
    return { ...base, auth: { userId: claims.sub, sessionId: claims.sid, role: claims.role } };
  } catch (error) {
    return { ...base, authError: error instanceof Error ? error.message : "invalid access token" };
  }
}

/** The context of one HTTP request, from its headers. */
export function createRequestContext(deps: ApiDeps, request: IncomingMessage): ApiContext {
  const credential = request.headers[SERVICE_CREDENTIAL_HEADER];
  return createApiContext(deps, {
    authorization: request.headers.authorization,
    userAgent: request.headers["user-agent"],
    serviceCredential: typeof credential === "string" ? credential : undefined,
    clientAddress: request.socket.remoteAddress,
  });
}
