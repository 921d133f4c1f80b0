import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import { type SuiteContext, uniqueName } from "./suite-context";

/** Users, sessions and friends. */
export function defineUserTests({ db, createUser }: SuiteContext): void {
  describe("users", () => {
    it("creates a user with a scrypt hash and verifies the password", async () => {
      const name = uniqueName("Alice");
      const user = await createUser(name);
      expect(user.username).toBe(name.toLowerCase());
      expect(user).not.toHaveProperty("passwordHash");
      const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
      expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(stored.passwordHash).not.toContain(`pw-${name}`);
      expect((await repo.verifyUserPassword(db(), name.toUpperCase(), `pw-${name}`))?.id).toBe(user.id);
      expect(await repo.verifyUserPassword(db(), name, "wrong")).toBeNull();
      expect(await repo.verifyUserPassword(db(), "nobody-here", "x")).toBeNull();
      expect((await repo.findUserByUsername(db(), name))?.id).toBe(user.id);
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
      expect(rotated).not.toBeNull();
      expect(await repo.findActiveSession(db(), refreshToken)).toBeNull();
      expect(await repo.rotateSession(db(), refreshToken, 60_000)).toBeNull();
      expect(await repo.revokeSession(db(), rotated?.refreshToken ?? "")).toBe(true);
      expect(await repo.findActiveSession(db(), rotated?.refreshToken ?? "")).toBeNull();
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
