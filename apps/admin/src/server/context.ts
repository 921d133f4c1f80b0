import { fromRepo, repoClient } from "./repo-client";
import {
  ACCESS_COOKIE,
  checkAccessToken,
  readCookie,
  REFRESH_COOKIE,
  sessionCookie,
  type SessionCheck,
} from "./session";
import type { ConsoleContext } from "./trpc";

/**
 * The caller from the session cookies, or from `Authorization: Bearer` (scripts and tests call the
 * console's API with an im-repo access token directly).
 */
export function createConsoleContext(request: Request, resHeaders: Headers): ConsoleContext {
  const cookieHeader = request.headers.get("cookie");
  const bearer = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  const refreshToken = bearer === undefined ? readCookie(cookieHeader, REFRESH_COOKIE) : undefined;
  const setCookie = (cookie: string) => resHeaders.append("set-cookie", cookie);
  return {
    check: checkAccessToken(bearer ?? readCookie(cookieHeader, ACCESS_COOKIE)),
    refreshToken,
    setCookie,
    renew: async (): Promise<SessionCheck> => {
      if (refreshToken === undefined) return { kind: "none" };
      try {
        const tokens = await fromRepo(repoClient().auth.refresh.mutate({ refreshToken }));
        const now = Date.now();
        setCookie(
          sessionCookie(ACCESS_COOKIE, tokens.accessToken, (tokens.accessTokenExpiresAt - now) / 1000),
        );
        setCookie(
          sessionCookie(REFRESH_COOKIE, tokens.refreshToken, (tokens.refreshTokenExpiresAt - now) / 1000),
        );
        return checkAccessToken(tokens.accessToken);
      } catch {
        return { kind: "none" };
      }
    },
  };
}
