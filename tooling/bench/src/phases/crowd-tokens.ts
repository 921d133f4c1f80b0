import { issueAccessToken } from "@gochat/auth";
import type { SocketSpec } from "../load/protocol";
import { SEED } from "../system/seed";

const TOKEN_TTL_SECONDS = 3_600;

/**
 * Sockets for seeded crowd users. Signing thousands of users in would spend minutes in scrypt, which is not
 * what is measured, so the harness mints their access tokens with the system's own secret, exactly as
 * im-repo signs them at sign-in; the gateways verify them as any other. `crowdSize` users exist; past it,
 * users repeat, as one person's second device would.
 */
export function crowdSockets(options: {
  count: number;
  crowdSize: number;
  secret: string;
  url: (index: number) => string;
}): SocketSpec[] {
  return Array.from({ length: options.count }, (_, index) => {
    const userId = SEED.crowdUserId((index % options.crowdSize) + 1);
    const { token } = issueAccessToken({ userId, sessionId: `bench-${userId}` }, options.secret, {
      ttlSeconds: TOKEN_TTL_SECONDS,
    });
    return { userId, url: options.url(index), auth: { token } };
  });
}
