import { createHmac } from "node:crypto";
import { AppError } from "@gochat/contracts";
import { describe, expect, it } from "vitest";
import { issueAccessToken, verifyAccessToken } from "./access-token";

const secret = "s".repeat(32);
const subject = { userId: "user-123", sessionId: "sess-1", role: "user" as const };

function refusal(token: string, key = secret, now?: number): string {
  try {
    verifyAccessToken(token, key, now);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UNAUTHENTICATED");
    return (error as AppError).message;
  }
  throw new Error("token was accepted");
}

describe("access tokens", () => {
  it("verifies a token it issued and returns its claims", () => {
    const now = 1_700_000_000_000;
    const { token, expiresAt } = issueAccessToken(subject, secret, { ttlSeconds: 900, now });
    expect(expiresAt).toBe(now + 900_000);
    expect(verifyAccessToken(token, secret, now + 1000)).toMatchObject({
      sub: "user-123",
      sid: "sess-1",
      role: "user",
      v: 1,
    });
  });

  it("carries the admin role, and reads a token without a role as a plain user's", () => {
    const admin = issueAccessToken({ ...subject, role: "admin" }, secret, { ttlSeconds: 60 });
    expect(verifyAccessToken(admin.token, secret).role).toBe("admin");
    const iat = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ v: 1, sub: "u-1", sid: "s-1", iat, exp: iat + 60 }),
    ).toString("base64url");
    const signature = createHmac("sha256", secret).update(payload).digest("base64url");
    expect(verifyAccessToken(`${payload}.${signature}`, secret).role).toBe("user");
  });

  it("refuses a token whose role is not one it knows", () => {
    const iat = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ v: 1, sub: "u-1", sid: "s-1", role: "root", iat, exp: iat + 60 }),
    ).toString("base64url");
    const signature = createHmac("sha256", secret).update(payload).digest("base64url");
    expect(refusal(`${payload}.${signature}`)).toMatch(/malformed/);
  });

  it("refuses an expired token", () => {
    const now = 1_700_000_000_000;
    const { token } = issueAccessToken(subject, secret, { ttlSeconds: 60, now });
    expect(refusal(token, secret, now + 60_000)).toBe("access token expired");
  });

  it("refuses a token signed with another secret or with a changed payload", () => {
    const { token } = issueAccessToken(subject, secret, { ttlSeconds: 60 });
    expect(refusal(token, "t".repeat(32))).toMatch(/signature/);
    const [, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ v: 1, sub: "admin", sid: "x", iat: 0, exp: 9e9 })).toString(
      "base64url",
    );
    expect(refusal(`${forged}.${signature ?? ""}`)).toMatch(/signature/);
  });

  it("refuses malformed tokens", () => {
    for (const bad of ["", "abc", "a.b.c", ".sig", "payload."])
      expect(refusal(bad)).toMatch(/malformed|signature/);
  });

  it("refuses to work with a short secret", () => {
    expect(() => issueAccessToken(subject, "short", { ttlSeconds: 60 })).toThrow(/at least 32 bytes/);
  });
});
