import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import { type SuiteContext, chatMessage } from "./suite-context";

/** Conversations, sequences, messages and read cursors. */
export function defineMessageTests({ db, createUser }: SuiteContext): void {
  describe("conversations and messages", () => {
    it("gets or creates one direct conversation per pair, even concurrently", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const results = await Promise.all([
        repo.getOrCreateDirectConversation(db(), a.id, b.id),
        repo.getOrCreateDirectConversation(db(), b.id, a.id),
        repo.getOrCreateDirectConversation(db(), a.id, b.id),
      ]);
      expect(new Set(results.map((c) => c.id)).size).toBe(1);
      expect(await repo.listConversationMemberIds(db(), results[0].id)).toEqual([a.id, b.id].sort());
    });

    it("allocates sequences atomically and message ids from the sequence", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const allocations = await Promise.all(
        Array.from({ length: 20 }, () => repo.allocateSequence(db(), conversation.id)),
      );
      expect(allocations.map((x) => x.last).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await repo.allocateSequence(db(), conversation.id, 5)).toEqual({ first: 21, last: 25 });
      await expect(repo.allocateSequence(db(), "no-such-conversation")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const ids = await repo.nextMessageIds(db(), 3);
      expect(ids).toHaveLength(3);
      expect(ids[1]).toBeGreaterThan(ids[0] ?? Infinity);
      const more = await repo.nextMessageIds(db());
      expect(more[0]).toBeGreaterThan(ids[2] ?? Infinity);
    });

    it("inserts batches idempotently and advances last seq, activity and the sender's cursor", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const ids = await repo.nextMessageIds(db(), 10);
      const batch = ids
        .slice(0, 6)
        .map((id, i) => chatMessage(conversation.id, i % 2 ? b.id : a.id, i + 1, id));
      expect(await repo.insertMessages(db(), batch)).toEqual({ inserted: 6, duplicates: 0 });
      expect(await repo.insertMessages(db(), batch)).toEqual({ inserted: 0, duplicates: 6 });
      // A retry with a new server id and seq but the same client id is still one message.
      const retry = chatMessage(conversation.id, a.id, 7, ids[6] ?? 0, {
        client_msg_id: batch[0]?.client_msg_id ?? "",
      });
      expect(await repo.insertMessages(db(), [retry])).toEqual({ inserted: 0, duplicates: 1 });
      const stored = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
      expect(stored.lastSeq).toBe(6n);
      expect(stored.lastActivityAt.getTime()).toBe(batch[5]?.created_at_ms);
      // a sent 1,3,5 and b sent 2,4,6: each has read their own last message.
      expect(await repo.getReadState(db(), conversation.id, a.id)).toEqual({ readSeq: 5, unreadCount: 1 });
      expect(await repo.getReadState(db(), conversation.id, b.id)).toEqual({ readSeq: 6, unreadCount: 0 });
      const sample = await repo.findMessage(db(), ids[2] ?? 0);
      expect(sample).toEqual({ ...batch[2], recalled_at_ms: null });
    });

    it("persists concurrent batches that share conversations without deadlocking", async () => {
      const users = await Promise.all(Array.from({ length: 4 }, () => createUser()));
      const hub = users[0]?.id ?? "";
      const conversations = await Promise.all(
        users.slice(1).map((user) => repo.getOrCreateDirectConversation(db(), hub, user.id)),
      );
      const ids = await repo.nextMessageIds(db(), 120);
      const messages = ids.map((id, index) => {
        const conversation = conversations[index % 3]?.id ?? "";
        return chatMessage(conversation, hub, Math.floor(index / 3) + 1, id);
      });
      // Each batch touches every conversation, in a different order.
      const batches = [0, 1, 2, 3].map((offset) =>
        messages.filter((_, index) => index % 4 === offset).reverse(),
      );
      const results = await Promise.all(batches.map((batch) => repo.insertMessages(db(), batch)));
      expect(results.reduce((sum, result) => sum + result.inserted, 0)).toBe(120);
      for (const conversation of conversations) {
        expect(await repo.getReadState(db(), conversation.id, hub)).toEqual({
          readSeq: 40,
          unreadCount: 0,
        });
      }
    });

    it("pages history by seq range and backwards", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const ids = await repo.nextMessageIds(db(), 30);
      await repo.insertMessages(
        db(),
        ids.map((id, i) => chatMessage(conversation.id, a.id, i + 1, id)),
      );
      const range = await repo.listMessagesInRange(db(), conversation.id, { fromSeq: 5, toSeq: 9 });
      expect(range.map((m) => m.seq)).toEqual([5, 6, 7, 8, 9]);
      const latest = await repo.listMessagesBefore(db(), conversation.id, { limit: 10 });
      expect(latest.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
      const older = await repo.listMessagesBefore(db(), conversation.id, { beforeSeq: 21, limit: 10 });
      expect(older.map((m) => m.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      const first = await repo.listMessagesBefore(db(), conversation.id, { beforeSeq: 3, limit: 10 });
      expect(first.map((m) => m.seq)).toEqual([1, 2]);
    });

    it("recalls only the sender's message within the window, idempotently", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const [id] = await repo.nextMessageIds(db());
      const now = Date.now();
      await repo.insertMessages(db(), [
        chatMessage(conversation.id, a.id, 1, id ?? 0, { created_at_ms: now }),
      ]);
      await expect(repo.recallMessage(db(), { messageId: id ?? 0, operatorId: b.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(
        repo.recallMessage(db(), {
          messageId: id ?? 0,
          operatorId: a.id,
          now: new Date(now + 10 * 60_000),
        }),
      ).rejects.toMatchObject({ code: "RECALL_WINDOW_EXPIRED" });
      const recalled = await repo.recallMessage(db(), { messageId: id ?? 0, operatorId: a.id });
      expect(recalled.recalled_at_ms).not.toBeNull();
      const again = await repo.recallMessage(db(), { messageId: id ?? 0, operatorId: a.id });
      expect(again.recalled_at_ms).toBe(recalled.recalled_at_ms);
    });

    it("lets a moderator recall anyone's message at any age", async () => {
      const [a, b] = [await createUser(), await createUser()];
      const conversation = await repo.getOrCreateDirectConversation(db(), a.id, b.id);
      const [id] = await repo.nextMessageIds(db());
      await repo.insertMessages(db(), [
        chatMessage(conversation.id, a.id, 1, id ?? 0, { created_at_ms: Date.now() }),
      ]);
      const recalled = await repo.recallMessage(db(), {
        messageId: id ?? 0,
        operatorId: b.id,
        asModerator: true,
        now: new Date(Date.now() + 24 * 3600_000),
      });
      expect(recalled.recalled_at_ms).not.toBeNull();
    });

    it("lists a user's conversations by last activity with unread counts and read cursors", async () => {
      const [me, x, y] = [await createUser(), await createUser(), await createUser()];
      const withX = await repo.getOrCreateDirectConversation(db(), me.id, x.id);
      const group = await repo.createGroup(db(), { ownerId: y.id, name: "Team", memberIds: [me.id, x.id] });
      const ids = await repo.nextMessageIds(db(), 5);
      const t = Date.now();
      await repo.insertMessages(db(), [
        chatMessage(withX.id, x.id, 1, ids[0] ?? 0, { created_at_ms: t }),
        chatMessage(withX.id, x.id, 2, ids[1] ?? 0, { created_at_ms: t + 1 }),
        chatMessage(group.id, y.id, 1, ids[2] ?? 0, { created_at_ms: t + 5 }),
      ]);
      let list = await repo.listConversationsForUser(db(), me.id);
      expect(list.map((c) => [c.conversationId, c.unreadCount])).toEqual([
        [group.id, 1],
        [withX.id, 2],
      ]);
      expect(list[0]?.group?.name).toBe("Team");
      expect(list[1]?.peerId).toBe(x.id);
      await repo.insertMessages(db(), [
        chatMessage(withX.id, me.id, 3, ids[3] ?? 0, { created_at_ms: t + 10 }),
      ]);
      list = await repo.listConversationsForUser(db(), me.id);
      expect(list.map((c) => [c.conversationId, c.unreadCount])).toEqual([
        [withX.id, 0],
        [group.id, 1],
      ]);
      expect(await repo.markConversationRead(db(), group.id, me.id, 1)).toEqual({
        readSeq: 1,
        unreadCount: 0,
      });
      expect(await repo.markConversationRead(db(), group.id, me.id, 0)).toEqual({
        readSeq: 1,
        unreadCount: 0,
      });
      await expect(repo.getReadState(db(), withX.id, y.id)).rejects.toMatchObject({ code: "NOT_A_MEMBER" });
    });
  });
}
