import { verifyAccessToken, type AccessRole } from "@gochat/auth";
import { readAdminEnv } from "./env";

export const ACCESS_COOKIE = "gochat_admin_access";
export const REFRESH_COOKIE = "gochat_admin_refresh";

export interface AdminSession {
  userId: string;
  role: AccessRole;
  accessToken: string;
}

export type SessionCheck =
  | { kind: "signed-in"; session: AdminSession }
  | { kind: "expired" }
  | { kind: "none" }
  | { kind: "invalid"; reason: string };

/** Verifies an access token the way every GoChat service does: signature, expiry, claims. */
export function checkAccessToken(token: string | undefined): SessionCheck {
  if (token === undefined || token === "") return { kind: "none" };
  try {
    const claims = verifyAccessToken(token, readAdminEnv().GOCHAT_TOKEN_SECRET);
    return { kind: "signed-in", session: { userId: claims.sub, role: claims.role, accessToken: token } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "invalid access token";
    return reason.includes("expired") ? { kind: "expired" } : { kind: "invalid", reason };
  }
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** httpOnly so page script can never read the tokens; Strict so no other site can use them. */
export function sessionCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}
