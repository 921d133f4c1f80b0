import type { SessionTokens, UserView } from "@gochat/api";

/**
 * The signed-in session, kept in localStorage so it survives reloads and is shared by every tab of the
 * browser. Refresh tokens rotate (the old one stops working), so only one tab may refresh at a time: the
 * refresh runs under a Web Lock and each tab re-reads storage once it holds the lock, picking up tokens
 * another tab has just obtained instead of spending a used refresh token.
 */
const STORAGE_KEY = "gochat.session";
const REFRESH_LOCK = "gochat.session.refresh";
/** Refresh this long before the access token expires, so a request never leaves with a stale one. */
const REFRESH_MARGIN_MS = 60_000;

export type Session = SessionTokens;

export function loadSession(): Session | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (
      typeof parsed.accessToken !== "string" ||
      typeof parsed.refreshToken !== "string" ||
      typeof parsed.refreshTokenExpiresAt !== "number" ||
      typeof parsed.user?.id !== "string"
    ) {
      return null;
    }
    if (parsed.refreshTokenExpiresAt <= Date.now()) return null;
    return parsed as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.localStorage.removeItem(STORAGE_KEY);
}

export function updateSessionUser(user: UserView): void {
  const session = loadSession();
  if (session !== null) saveSession({ ...session, user });
}

/** Calls `listener` when another tab signs in, refreshes or signs out. */
export function onSessionChange(listener: (session: Session | null) => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) listener(loadSession());
  };
  window.addEventListener("storage", handler);
  return () => {
    window.removeEventListener("storage", handler);
  };
}

export class SessionExpiredError extends Error {
  constructor() {
    super("Your session has ended. Please sign in again.");
    this.name = "SessionExpiredError";
  }
}

/**
 * A fresh access token, refreshing it first when it is about to expire. `refresh` performs the actual
 * auth.refresh call; it throws SessionExpiredError when the refresh token is no longer accepted.
 */
export async function freshAccessToken(refresh: (refreshToken: string) => Promise<Session>): Promise<string> {
  const current = loadSession();
  if (current === null) throw new SessionExpiredError();
  if (current.accessTokenExpiresAt - REFRESH_MARGIN_MS > Date.now()) return current.accessToken;
  return withRefreshLock(async () => {
    const latest = loadSession();
    if (latest === null) throw new SessionExpiredError();
    if (latest.accessTokenExpiresAt - REFRESH_MARGIN_MS > Date.now()) return latest.accessToken;
    const renewed = await refresh(latest.refreshToken);
    // Signed out (or in as someone else) while the refresh was under way: do not bring the session back.
    if (loadSession()?.refreshToken !== latest.refreshToken) throw new SessionExpiredError();
    saveSession(renewed);
    return renewed.accessToken;
  });
}

async function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  // Web Locks exist in every browser GoChat supports; without them (very old browsers) tabs may race,
  // and the loser is asked to sign in again.
  if (typeof navigator === "undefined" || !("locks" in navigator)) return task();
  return navigator.locks.request(REFRESH_LOCK, task);
}
