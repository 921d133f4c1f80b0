import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "@gochat/db/server";
import { appCodeOf, startTestApi, TEST_HASHER } from "../../../test/api-fixture";
import { appCodeIn, rawRequest } from "../../../test/raw-http";

type Api = Awaited<ReturnType<typeof startTestApi>>;

/** The real hasher, with every stored hash it is asked to check recorded. */
function recordingHasher(hasher: PasswordHasher): PasswordHasher & { checked: string[] } {
  const checked: string[] = [];
  return {
    cost: hasher.cost,
    hash: (password) => hasher.hash(password),
    dummyHash: () => hasher.dummyHash(),
    verify: (password, stored) => {
      checked.push(stored);
      return hasher.verify(password, stored);
    },
    checked,
  };
}

const signIn = (api: Api, username: string, password: string, localAddress = "127.0.0.1") =>
  rawRequest(`${api.url}/auth.signIn`, { body: JSON.stringify({ username, password }), localAddress });

describe("sign-in throttling", () => {
  const hasher = recordingHasher(TEST_HASHER);
  let api: Api;

  beforeAll(async () => {
    api = await startTestApi({
      passwordHasher: hasher,
      authLimits: { signInFailuresPerAccount: 3, signInFailuresPerAddress: 6, signUpsPerAddress: 1_000 },
    });
    for (const username of ["victim", "other", "third"])
      await api.client().auth.signUp.mutate({ username, displayName: username, password: "right password" });
  }, 60_000);

  afterAll(async () => {
    await api.stop();
  });

  it("refuses an account after its failures, from any address, with a retry-after", async () => {
    for (const address of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) {
      const failed = await signIn(api, "victim", "wrong", address);
      expect(appCodeIn(failed.body)).toBe("UNAUTHENTICATED");
    }
    const checkedBefore = hasher.checked.length;
    const limited = await signIn(api, "VICTIM", "right password", "127.0.0.5");
    expect(limited.status).toBe(429);
    expect(appCodeIn(limited.body)).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { data: { retryAfterSeconds: retryAfter } } });
    // A throttled attempt never reaches the password check, so it tells nothing about the password.
    expect(hasher.checked.length).toBe(checkedBefore);
    expect(appCodeIn((await signIn(api, "other", "right password", "127.0.0.5")).body)).toBeUndefined();
  });

  it("refuses an address that fails across many accounts, and only that address", async () => {
    const names = ["other", "third", "ghost1", "ghost2", "ghost3", "ghost4"];
    for (const username of names) await signIn(api, username, "wrong", "127.0.0.6");
    const limited = await signIn(api, "third", "right password", "127.0.0.6");
    expect(appCodeIn(limited.body)).toBe("RATE_LIMITED");
    const elsewhere = await signIn(api, "third", "right password", "127.0.0.7");
    expect(elsewhere.status).toBe(200);
  });

  it("counts every sign-in of a batch, so a batch cannot try more passwords than the limit", async () => {
    await api
      .client()
      .auth.signUp.mutate({ username: "batched", displayName: "B", password: "right password" });
    const inputs = Object.fromEntries(
      Array.from({ length: 8 }, (_, index) => [
        String(index),
        { username: "batched", password: `guess ${index}` },
      ]),
    );
    const paths = Array.from({ length: 8 }, () => "auth.signIn").join(",");
    const response = await rawRequest(`${api.url}/${paths}?batch=1`, {
      body: JSON.stringify(inputs),
      localAddress: "127.0.0.8",
    });
    const codes = (response.body as unknown[]).map(appCodeIn);
    expect(codes.filter((code) => code === "UNAUTHENTICATED")).toHaveLength(3);
    expect(codes.filter((code) => code === "RATE_LIMITED")).toHaveLength(5);
  });

  it("runs the same password check for an unknown user as for a real one", async () => {
    hasher.checked.length = 0;
    await signIn(api, "third", "wrong", "127.0.0.9");
    await signIn(api, "no-such-user", "wrong", "127.0.0.9");
    expect(hasher.checked).toHaveLength(2);
    const [real, unknown] = hasher.checked.map((stored) => stored.split("$"));
    expect(unknown?.slice(0, 4)).toEqual(real?.slice(0, 4));
    expect(hasher.checked[1]).toBe(await hasher.dummyHash());
  });
});

describe("sign-up limits", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startTestApi({ authLimits: { signUpsPerAddress: 2 } });
  }, 60_000);
  afterAll(async () => {
    await api.stop();
  });

  it("refuses more accounts from one address than allowed", async () => {
    const signUp = (username: string, localAddress: string) =>
      rawRequest(`${api.url}/auth.signUp`, {
        body: JSON.stringify({ username, displayName: username, password: "long enough" }),
        localAddress,
      });
    expect((await signUp("first", "127.0.1.1")).status).toBe(200);
    expect((await signUp("second", "127.0.1.1")).status).toBe(200);
    const third = await signUp("third", "127.0.1.1");
    expect(appCodeIn(third.body)).toBe("RATE_LIMITED");
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    expect((await signUp("third", "127.0.1.2")).status).toBe(200);
  });
});

describe("request limits", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(async () => {
    await api.stop();
  });

  it("refuses a batch of more procedures than allowed", async () => {
    const paths = Array.from({ length: 11 }, () => "auth.me").join(",");
    const response = await rawRequest(`${api.url}/${paths}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain("Batch call exceeds maximum size");
  });

  it("refuses a body declared larger than the limit before reading it", async () => {
    const body = JSON.stringify({ username: "x", password: "y".repeat(600 * 1024) });
    const response = await rawRequest(`${api.url}/auth.signIn`, { body });
    expect(response.status).toBe(413);
    expect(appCodeIn(response.body)).toBe("PAYLOAD_TOO_LARGE");
  });

  it("cuts off a streamed body at the limit", async () => {
    const body = JSON.stringify({ username: "x", password: "y".repeat(600 * 1024) });
    const response = await rawRequest(`${api.url}/auth.signIn`, { body, chunked: true });
    expect(response.status).toBe(413);
    expect(appCodeIn(response.body)).toBe("PAYLOAD_TOO_LARGE");
  });

  it("does not serve internal procedures on the public listener", async () => {
    const response = await rawRequest(`${api.url}/internal.audience?input=${encodeURIComponent("{}")}`);
    expect(response.status).toBe(404);
  });
});

describe("refresh token reuse", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startTestApi();
    await api
      .client()
      .auth.signUp.mutate({ username: "rotator", displayName: "R", password: "right password" });
  }, 60_000);
  afterAll(async () => {
    await api.stop();
  });

  it("ends the whole chain when a rotated-out token comes back", async () => {
    const first = await api.client().auth.signIn.mutate({ username: "rotator", password: "right password" });
    const elsewhere = await api
      .client()
      .auth.signIn.mutate({ username: "rotator", password: "right password" });
    const second = await api.client().auth.refresh.mutate({ refreshToken: first.refreshToken });
    const third = await api.client().auth.refresh.mutate({ refreshToken: second.refreshToken });
    const replay = await appCodeOf(api.client().auth.refresh.mutate({ refreshToken: first.refreshToken }));
    expect(replay).toEqual({
      appCode: "UNAUTHENTICATED",
      message: "this refresh token was already used; the session was ended",
    });
    expect(
      (await appCodeOf(api.client().auth.refresh.mutate({ refreshToken: third.refreshToken }))).appCode,
    ).toBe("UNAUTHENTICATED");
    const other = await api.client().auth.refresh.mutate({ refreshToken: elsewhere.refreshToken });
    expect(other.user.username).toBe("rotator");
  });
});

describe("password hashes", () => {
  it("are rehashed at the configured cost on the next sign-in", async () => {
    const weak = createPasswordHasher({ N: 1024, r: 8, p: 1 });
    const strong = createPasswordHasher({ N: 4096, r: 8, p: 1 });
    const before = await startTestApi({ passwordHasher: weak });
    await before
      .client()
      .auth.signUp.mutate({ username: "upgrade", displayName: "U", password: "right password" });
    const hashOf = async () =>
      (await before.deps.db.user.findUniqueOrThrow({ where: { username: "upgrade" } })).passwordHash;
    expect(await hashOf()).toMatch(/^scrypt\$1024\$8\$1\$/);
    before.deps.passwordHasher = strong;
    await before.client().auth.signIn.mutate({ username: "upgrade", password: "right password" });
    expect(await hashOf()).toMatch(/^scrypt\$4096\$8\$1\$/);
    await before.stop();
  }, 60_000);
});
