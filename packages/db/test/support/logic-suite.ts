import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import type { SuiteContext } from "./suite-context";
import { chatMessage, uniqueName } from "./suite-context";

/** Message claims (seq + id per client message id) and gateway presence. */
export function defineLogicTests({ db, createUser }: SuiteContext): void {
  describe("message claims", () => {
    it("gives each client message id one seq and id, however often and concurrently it is claimed", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const claims = await Promise.all(
        ["m1", "m2", "m1", "m3", "m2", "m1"].map((clientMsgId) =>
          repo.claimMessage(db(), { conversationId: conversation.id, senderId: a.id, clientMsgId }),
        ),
      );
      const bySeq = new Map(claims.map((claim) => [claim.seq, claim.messageId]));
      expect([...bySeq.keys()].sort()).toEqual([1, 2, 3]);
      expect(claims.filter((claim) => claim.status === "accepted")).toHaveLength(3);
      const again = await repo.claimMessage(db(), {
        conversationId: conversation.id,
        senderId: a.id,
        clientMsgId: "m2",
      });
      expect(again.status).toBe("duplicate");
      expect(claims.find((c) => c.seq === again.seq)?.messageId).toBe(again.messageId);
      // Another sender may use the same client id: it is unique per sender only.
      const other = await repo.claimMessage(db(), {
        conversationId: conversation.id,
        senderId: b.id,
        clientMsgId: "m1",
      });
      expect(other).toMatchObject({ status: "accepted", seq: 4 });
      expect((await repo.findConversation(db(), conversation.id))?.lastSeq).toBe(4n);
    });

    it("refuses a resend whose content differs from the claimed message", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const claim = { conversationId: conversation.id, senderId: a.id, clientMsgId: "hashed" };
      const first = await repo.claimMessage(db(), { ...claim, contentHash: "aaa" });
      expect(await repo.claimMessage(db(), { ...claim, contentHash: "aaa" })).toMatchObject({
        status: "duplicate",
        seq: first.seq,
      });
      await expect(repo.claimMessage(db(), { ...claim, contentHash: "bbb" })).rejects.toMatchObject({
        code: "CONFLICT",
      });
    });

    it("refuses a client message id reused in another conversation", async () => {
      const [a, b, c] = [await createUser(), await createUser(), await createUser()];
      const first = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const second = await repo.getOrCreateDirectConversation(db(), a.id, c.id);
      await repo.claimMessage(db(), { conversationId: first.id, senderId: a.id, clientMsgId: "same" });
      await expect(
        repo.claimMessage(db(), { conversationId: second.id, senderId: a.id, clientMsgId: "same" }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await repo.findConversation(db(), second.id))?.lastSeq).toBe(0n);
    });

    it("takes no seq for an unknown conversation", async () => {
      const a = await createUser();
      await expect(
        repo.claimMessage(db(), { conversationId: "missing", senderId: a.id, clientMsgId: uniqueName("x") }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("prunes claims by age", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      await repo.claimMessage(db(), {
        conversationId: conversation.id,
        senderId: a.id,
        clientMsgId: "old",
        now: new Date("2020-01-01T00:00:00Z"),
      });
      expect(await repo.pruneMessageClaims(db(), new Date("2021-01-01T00:00:00Z"))).toBeGreaterThanOrEqual(1);
      const reclaimed = await repo.claimMessage(db(), {
        conversationId: conversation.id,
        senderId: a.id,
        clientMsgId: "old",
      });
      expect(reclaimed.status).toBe("accepted");
    });
  });

  describe("read by N", () => {
    it("counts the members other than the sender who read each message", async () => {
      const [owner, x, y] = [await createUser(), await createUser(), await createUser()];
      const group = await repo.createGroup(db(), { ownerId: owner.id, name: "r", memberIds: [x.id, y.id] });
      const ids = await repo.nextMessageIds(db(), 2);
      await repo.insertMessages(db(), [
        chatMessage(group.id, owner.id, 1, ids[0] ?? 0),
        chatMessage(group.id, x.id, 2, ids[1] ?? 0),
      ]);
      await repo.markConversationRead(db(), group.id, y.id, 2);
      // x's own message 2 does not count x; the owner has read nothing yet.
      expect(await repo.countReaders(db(), group.id, { fromSeq: 1, toSeq: 2 })).toEqual([
        { seq: 1, readers: 2 },
        { seq: 2, readers: 1 },
      ]);
    });
  });

  describe("presence", () => {
    it("tracks sockets per gateway and forgets a gateway that stops beating", async () => {
      const [a, b, c] = [await createUser(), await createUser(), await createUser()];
      const [gw1, gw2] = [uniqueName("gw"), uniqueName("gw")];
      const t0 = new Date();
      const gw1Token = (await repo.registerGateway(db(), gw1, t0)).startedAt;
      await repo.registerGateway(db(), gw2, t0);
      await repo.attachSocket(db(), a.id, gw1);
      await repo.attachSocket(db(), a.id, gw1);
      await repo.attachSocket(db(), a.id, gw2);
      await repo.attachSocket(db(), b.id, gw2);
      const now = { now: t0, ttlMs: 10_000 };
      expect(await repo.lookupPresence(db(), [a.id, b.id, c.id], now)).toEqual(
        new Map([
          [a.id, [gw1, gw2].sort()],
          [b.id, [gw2]],
        ]),
      );

      await repo.detachSocket(db(), a.id, gw1);
      expect((await repo.lookupPresence(db(), [a.id], now)).get(a.id)?.sort()).toEqual([gw1, gw2].sort());
      await repo.detachSocket(db(), a.id, gw1);
      expect((await repo.lookupPresence(db(), [a.id], now)).get(a.id)).toEqual([gw2]);

      // gw2 stops beating: after the TTL its users count as offline.
      expect(await repo.beatGateway(db(), gw1, gw1Token, new Date(t0.getTime() + 20_000))).toBe(true);
      await repo.attachSocket(db(), c.id, gw1);
      const later = { now: new Date(t0.getTime() + 20_000), ttlMs: 10_000 };
      expect(await repo.lookupPresence(db(), [a.id, b.id, c.id], later)).toEqual(new Map([[c.id, [gw1]]]));

      // A restart of gw2 starts from no sockets at all.
      // A restart hands back the users its previous run held, to be announced offline.
      expect((await repo.registerGateway(db(), gw2, later.now)).droppedUserIds.sort()).toEqual(
        [a.id, b.id].sort(),
      );
      expect(await repo.lookupPresence(db(), [a.id, b.id], later)).toEqual(new Map());
    });

    it("sweeps gateways that stopped beating and names the users they held", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const [alive, dead] = [uniqueName("gw"), uniqueName("gw")];
      const t0 = new Date();
      const aliveToken = (await repo.registerGateway(db(), alive, t0)).startedAt;
      const deadToken = (await repo.registerGateway(db(), dead, t0)).startedAt;
      await repo.attachSocket(db(), a.id, dead);
      await repo.attachSocket(db(), b.id, dead);
      await repo.attachSocket(db(), b.id, alive);
      const later = new Date(t0.getTime() + 30_000);
      await repo.beatGateway(db(), alive, aliveToken, later);
      const swept = await repo.sweepSilentGateways(db(), { ttlMs: 10_000, now: later });
      const mine = swept.find((s) => s.gatewayId === dead);
      expect(mine?.userIds.sort()).toEqual([a.id, b.id].sort());
      expect(swept.some((s) => s.gatewayId === alive)).toBe(false);
      expect(await repo.lookupPresence(db(), [a.id, b.id], { ttlMs: 10_000, now: later })).toEqual(
        new Map([[b.id, [alive]]]),
      );
      expect(
        (await repo.sweepSilentGateways(db(), { ttlMs: 10_000, now: later })).some(
          (s) => s.gatewayId === dead,
        ),
      ).toBe(false);
      // The swept gateway learns at its next beat that it must register again.
      expect(await repo.beatGateway(db(), dead, deadToken, later)).toBe(false);
    });

    it("lets a restarted gateway keep its registration when its predecessor unregisters late", async () => {
      const user = await createUser();
      const gw = uniqueName("gw");
      const first = (await repo.registerGateway(db(), gw, new Date(Date.now() - 1000))).startedAt;
      const second = (await repo.registerGateway(db(), gw)).startedAt;
      await repo.attachSocket(db(), user.id, gw);
      await repo.unregisterGateway(db(), gw, first);
      expect(await repo.beatGateway(db(), gw, first)).toBe(false);
      expect(await repo.beatGateway(db(), gw, second)).toBe(true);
      expect((await repo.lookupPresence(db(), [user.id])).get(user.id)).toEqual([gw]);
    });

    it("looks up the online members of a conversation in one query", async () => {
      const [owner, x, y] = [await createUser(), await createUser(), await createUser()];
      const group = await repo.createGroup(db(), { ownerId: owner.id, name: "g", memberIds: [x.id, y.id] });
      const gw = uniqueName("gw");
      const token = (await repo.registerGateway(db(), gw)).startedAt;
      await repo.attachSocket(db(), x.id, gw);
      await repo.attachSocket(db(), owner.id, gw);
      const stranger = await createUser();
      await repo.attachSocket(db(), stranger.id, gw);
      const online = await repo.lookupConversationPresence(db(), group.id);
      expect([...online.keys()].sort()).toEqual([owner.id, x.id].sort());
      await repo.unregisterGateway(db(), gw, token);
      expect((await repo.lookupConversationPresence(db(), group.id)).size).toBe(0);
    });
  });
}
