import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCodeOf, startTestApi } from "../../../test/api-fixture";

let api: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  api = await startTestApi();
}, 60_000);

afterAll(async () => {
  await api.stop();
});

describe("auth", () => {
  it("signs up, then knows who the caller is", async () => {
    const tokens = await api
      .client()
      .auth.signUp.mutate({ username: "Alice", displayName: "Alice A", password: "correct horse" });
    expect(tokens.user).toMatchObject({ username: "alice", displayName: "Alice A", role: "user" });
    expect(tokens.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    const me = await api.client(tokens.accessToken).auth.me.query();
    expect(me.id).toBe(tokens.user.id);
    expect(me).not.toHaveProperty("passwordHash");
  });

  it("refuses a taken username, whatever its case", async () => {
    const failure = await appCodeOf(
      api
        .client()
        .auth.signUp.mutate({ username: "ALICE", displayName: "Other", password: "another password" }),
    );
    expect(failure.appCode).toBe("CONFLICT");
    expect(failure.message).toContain("taken");
  });

  it("names every invalid field", async () => {
    const failure = await appCodeOf(
      api.client().auth.signUp.mutate({ username: "a b", displayName: "", password: "short" }),
    );
    expect(failure.appCode).toBe("BAD_REQUEST");
    expect(failure.message).toMatch(/username: may use only/);
    expect(failure.message).toMatch(/displayName: must not be empty/);
    expect(failure.message).toMatch(/password: must be at least 8 characters/);
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const wrong = await appCodeOf(
      api.client().auth.signIn.mutate({ username: "alice", password: "wrong password" }),
    );
    const unknown = await appCodeOf(
      api.client().auth.signIn.mutate({ username: "nobody", password: "wrong password" }),
    );
    expect(wrong).toEqual({ appCode: "UNAUTHENTICATED", message: "wrong username or password" });
    expect(unknown).toEqual(wrong);
    const ok = await api.client().auth.signIn.mutate({ username: "alice", password: "correct horse" });
    expect(ok.user.username).toBe("alice");
  });

  it("rotates refresh tokens and stops them after sign-out", async () => {
    const first = await api.client().auth.signIn.mutate({ username: "alice", password: "correct horse" });
    const second = await api.client().auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(
      (await appCodeOf(api.client().auth.refresh.mutate({ refreshToken: first.refreshToken }))).appCode,
    ).toBe("UNAUTHENTICATED");
    await api.client().auth.signOut.mutate({ refreshToken: second.refreshToken });
    const after = await appCodeOf(api.client().auth.refresh.mutate({ refreshToken: second.refreshToken }));
    expect(after).toEqual({
      appCode: "UNAUTHENTICATED",
      message: "the session has expired or was signed out",
    });
  });

  it("requires a valid access token for the caller's own data", async () => {
    expect((await appCodeOf(api.client().auth.me.query())).appCode).toBe("UNAUTHENTICATED");
    const forged = await appCodeOf(api.client("abc.def").auth.me.query());
    expect(forged).toEqual({ appCode: "UNAUTHENTICATED", message: "access token signature does not match" });
  });
});
