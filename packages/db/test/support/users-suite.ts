import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import { createPasswordHasher, type PasswordHasher } from "../../src/auth/password";
import { type SuiteContext, testHasher, uniqueName } from "./suite-context";

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

/** Users, sessions and friends. */
export function defineUserTests({ db, createUser }: SuiteContext): void {
  describe("users", () => {
    it("creates a user with a scrypt hash and verifies the password", async () => {
      const name = uniqueName("Alice");
      const user = await createUser(name);
      expect(user.username).toBe(name.toLowerCase());
      expect(user).not.toHaveProperty("passwordHash");
      const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
      expect(stored.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(stored.passwordHash).not.toContain(`pw-${name}`);
      const verify = (username: string, password: string) =>
        repo.verifyUserPassword(db(), username, password, testHasher);
      expect((await verify(name.toUpperCase(), `pw-${name}`))?.id).toBe(user.id);
      expect(await verify(name, "wrong")).toBeNull();
      expect(await verify("nobody-here", "x")).toBeNull();
      expect((await repo.findUserByUsername(db(), name))?.id).toBe(user.id);
    });

    it("checks an unknown user's password against a dummy hash of the same cost", async () => {
      const name = uniqueName("known");
      await createUser(name);
      const hasher = recordingHasher(testHasher);
      expect(await repo.verifyUserPassword(db(), name, "wrong", hasher)).toBeNull();
      expect(await repo.verifyUserPassword(db(), uniqueName("unknown"), "wrong", hasher)).toBeNull();
      expect(hasher.checked).toHaveLength(2);
      const costOf = (stored: string) => stored.split("$").slice(0, 4).join("$");
      expect(costOf(hasher.checked[1] ?? "")).toBe(costOf(hasher.checked[0] ?? ""));
      expect(hasher.checked[1]).toBe(await testHasher.dummyHash());
    });

    it("rehashes at the configured cost on the next successful sign-in", async () => {
      const name = uniqueName("old");
      const user = await createUser(name);
      const stronger = createPasswordHasher({ N: 2048, r: 8, p: 1 });
      const hashOf = async () => (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
      expect(await repo.verifyUserPassword(db(), name, "wrong", stronger)).toBeNull();
      expect(await hashOf()).toMatch(/^scrypt\$1024\$/);
      expect((await repo.verifyUserPassword(db(), name, `pw-${name}`, stronger))?.id).toBe(user.id);
      expect(await hashOf()).toMatch(/^scrypt\$2048\$8\$1\$/);
      expect((await repo.verifyUserPassword(db(), name, `pw-${name}`, stronger))?.id).toBe(user.id);
    });

    it("rejects a taken username regardless of case", async () => {
      const name = uniqueName("bob");
      await createUser(name);
      await expect(createUser(name.toUpperCase())).rejects.toMatchObject({ code: "CONFLICT" });
    });

    it("updates a profile and searches by prefix", async () => {
      const user = await createUser(uniqueName("carol"));
      const updated = await repo.updateUserProfile(db(), user.id, {
        displayName: "Carol C",
        avatarColor: "#ff0000",
      });
      expect(updated).toMatchObject({ displayName: "Carol C", avatarColor: "#ff0000" });
      const found = await repo.searchUsers(db(), user.username.slice(0, 6));
      expect(found.map((u) => u.id)).toContain(user.id);
    });
  });

  describe("sessions", () => {
    it("issues, finds, rotates once and revokes refresh tokens", async () => {
      const user = await createUser();
      const { refreshToken, session } = await repo.createSession(db(), { userId: user.id, ttlMs: 60_000 });
      expect(session.tokenHash).toBe(repo.hashToken(refreshToken));
      expect((await repo.findActiveSession(db(), refreshToken))?.id).toBe(session.id);
      const rotated = await repo.rotateSession(db(), refreshToken, 60_000);
      if (rotated.outcome !== "rotated") throw new Error(`not rotated: ${rotated.outcome}`);
      expect(rotated.issued.session.familyId).toBe(session.familyId);
      expect(await repo.findActiveSession(db(), refreshToken)).toBeNull();
      expect(await repo.revokeSession(db(), rotated.issued.refreshToken)).toBe(true);
      expect(await repo.findActiveSession(db(), rotated.issued.refreshToken)).toBeNull();
      expect((await repo.rotateSession(db(), "no-such-token", 60_000)).outcome).toBe("invalid");
    });

    it("revokes the whole chain when a rotated-out token comes back", async () => {
      const user = await createUser();
      const first = await repo.createSession(db(), { userId: user.id, ttlMs: 60_000 });
      const other = await repo.createSession(db(), { userId: user.id, ttlMs: 60_000 });
      const second = await repo.rotateSession(db(), first.refreshToken, 60_000);
      if (second.outcome !== "rotated") throw new Error("not rotated");
      const third = await repo.rotateSession(db(), second.issued.refreshToken, 60_000);
      if (third.outcome !== "rotated") throw new Error("not rotated");
      const replay = await repo.rotateSession(db(), first.refreshToken, 60_000);
      expect(replay).toEqual({ outcome: "reused", familyId: first.session.id, revoked: 1 });
      expect(await repo.findActiveSession(db(), third.issued.refreshToken)).toBeNull();
      expect((await repo.rotateSession(db(), third.issued.refreshToken, 60_000)).outcome).toBe("invalid");
      expect((await repo.findActiveSession(db(), other.refreshToken))?.id).toBe(other.session.id);
    });

    it("does not accept an expired session", async () => {
      const user = await createUser();
      const past = new Date(Date.now() - 120_000);
      const { refreshToken } = await repo.createSession(db(), {
        userId: user.id,
        ttlMs: 60_000,
        now: past,
      });
      expect(await repo.findActiveSession(db(), refreshToken)).toBeNull();
    });
  });

  describe("friends", () => {
    it("requests, accepts and lists friends both ways", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const request = await repo.sendFriendRequest(db(), {
        requesterId: a.id,
        addresseeId: b.id,
        message: "hi",
      });
      expect(request.status).toBe("pending");
      const again = await repo.sendFriendRequest(db(), { requesterId: a.id, addresseeId: b.id });
      expect(again.id).toBe(request.id);
      expect((await repo.listIncomingFriendRequests(db(), b.id)).map((r) => r.user.id)).toEqual([a.id]);
      expect((await repo.listOutgoingFriendRequests(db(), a.id)).map((r) => r.user.id)).toEqual([b.id]);
      await expect(repo.acceptFriendRequest(db(), request.id, a.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const accepted = await repo.acceptFriendRequest(db(), request.id, b.id);
      expect(accepted.status).toBe("accepted");
      expect((await repo.listFriends(db(), a.id)).map((f) => f.id)).toEqual([b.id]);
      expect((await repo.listFriends(db(), b.id)).map((f) => f.id)).toEqual([a.id]);
      await expect(
        repo.sendFriendRequest(db(), { requesterId: b.id, addresseeId: a.id }),
      ).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect(await repo.removeFriend(db(), a.id, b.id)).toBe(true);
      expect(await repo.areFriends(db(), b.id, a.id)).toBe(false);
    });

    it("lists the friends of many users at once, and records when many users were last seen", async () => {
      const [a, b, c, loner] = [
        await createUser(),
        await createUser(),
        await createUser(),
        await createUser(),
      ];
      for (const [requester, addressee] of [
        [a, b],
        [a, c],
      ] as const) {
        const request = await repo.sendFriendRequest(db(), {
          requesterId: requester.id,
          addresseeId: addressee.id,
        });
        await repo.acceptFriendRequest(db(), request.id, addressee.id);
      }
      const friends = await repo.listFriendIdsOf(db(), [a.id, b.id, loner.id]);
      expect([...friends.keys()]).toEqual([a.id, b.id, loner.id]);
      expect(friends.get(a.id)?.sort()).toEqual([b.id, c.id].sort());
      expect(friends.get(b.id)).toEqual([a.id]);
      expect(friends.get(loner.id)).toEqual([]);

      const [atA, atB] = [new Date("2026-03-01T10:00:00.123Z"), new Date("2026-03-02T11:00:00.456Z")];
      await repo.recordUsersSeen(db(), [
        { userId: a.id, at: atA },
        { userId: b.id, at: atB },
      ]);
      const seen = await db().user.findMany({
        where: { id: { in: [a.id, b.id, c.id] } },
        select: { id: true, lastSeenAt: true },
      });
      expect(new Map(seen.map((user) => [user.id, user.lastSeenAt]))).toEqual(
        new Map([
          [a.id, atA],
          [b.id, atB],
          [c.id, null],
        ]),
      );
    });

    it("declines, re-opens, and accepts a crossing request", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const request = await repo.sendFriendRequest(db(), { requesterId: a.id, addresseeId: b.id });
      expect((await repo.declineFriendRequest(db(), request.id, b.id)).status).toBe("declined");
      await expect(repo.declineFriendRequest(db(), request.id, b.id)).rejects.toMatchObject({
        code: "CONFLICT",
      });
      const reopened = await repo.sendFriendRequest(db(), { requesterId: a.id, addresseeId: b.id });
      expect(reopened).toMatchObject({ id: request.id, status: "pending" });
      const crossing = await repo.sendFriendRequest(db(), { requesterId: b.id, addresseeId: a.id });
      expect(crossing).toMatchObject({ id: request.id, status: "accepted" });
      expect(await repo.areFriends(db(), a.id, b.id)).toBe(true);
    });
  });
}
