import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import { type SuiteContext } from "./suite-context";

/** Groups, notifications and fan-out task records. */
export function defineGroupTests({ db, createUser }: SuiteContext): void {
  describe("groups", () => {
    it("creates groups, adds and removes members, keeps the count and pages members", async () => {
      const owner = await createUser();
      const others = await Promise.all(Array.from({ length: 4 }, () => createUser()));
      const group = await repo.createGroup(db(), {
        ownerId: owner.id,
        name: "Big",
        memberIds: [others[0]?.id ?? ""],
        superLargeThreshold: 3,
      });
      expect(group.memberCount).toBe(2);
      expect(await repo.getGroupMemberRole(db(), group.id, owner.id)).toBe("owner");
      const added = await repo.addGroupMembers(
        db(),
        group.id,
        others.map((u) => u.id),
      );
      expect(added).toEqual({ added: 3, memberCount: 5 });
      expect(await repo.countGroupMembers(db(), group.id)).toBe(5);
      expect(repo.isSuperLargeGroup((await repo.findGroup(db(), group.id)) ?? group)).toBe(true);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: repo.GroupMemberPage = await repo.listGroupMembers(db(), group.id, {
          after: cursor,
          limit: 2,
        });
        seen.push(...page.members.map((m) => m.userId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([owner.id, ...others.map((u) => u.id)].sort());

      await repo.setGroupMemberRole(db(), group.id, others[1]?.id ?? "", "admin");
      expect(await repo.getGroupMemberRole(db(), group.id, others[1]?.id ?? "")).toBe("admin");
      await expect(repo.setGroupMemberRole(db(), group.id, owner.id, "member")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(repo.removeGroupMember(db(), group.id, owner.id)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      expect(await repo.removeGroupMember(db(), group.id, others[2]?.id ?? "")).toBe(true);
      expect(await repo.removeGroupMember(db(), group.id, others[2]?.id ?? "")).toBe(false);
      expect(await repo.countGroupMembers(db(), group.id)).toBe(4);

      const transferred = await repo.transferGroupOwnership(db(), group.id, others[3]?.id ?? "");
      expect(transferred.ownerId).toBe(others[3]?.id);
      expect(await repo.getGroupMemberRole(db(), group.id, owner.id)).toBe("admin");

      const announced = await repo.updateGroupAnnouncement(db(), group.id, "Ship it");
      expect(announced.announcement).toBe("Ship it");
      expect(announced.announcementAt).not.toBeNull();
      const settings = await repo.updateGroupSettings(db(), group.id, { onlyAdminsCanPost: true });
      expect(settings.onlyAdminsCanPost).toBe(true);
      expect((await repo.listGroupsForUser(db(), owner.id)).map((g) => g.id)).toContain(group.id);
    });

    it("refuses members beyond the group's limit and leaves the count unchanged", async () => {
      const owner = await createUser();
      const group = await repo.createGroup(db(), { ownerId: owner.id, name: "Tiny", maxMembers: 2 });
      const [u1, u2] = [await createUser(), await createUser()];
      await expect(repo.addGroupMembers(db(), group.id, [u1.id, u2.id])).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect(await repo.countGroupMembers(db(), group.id)).toBe(1);
      expect(await repo.isConversationMember(db(), group.id, u1.id)).toBe(false);
    });
  });

  describe("notifications", () => {
    it("stores once per event id, lists the inbox and marks read", async () => {
      const user = await createUser();
      const eventId = crypto.randomUUID();
      const input = {
        eventId,
        userId: user.id,
        type: "friend.request",
        payload: { request_id: "r1", requester_id: "x", requester_name: "X" },
        channels: ["socket", "push"] as const,
      };
      const first = await repo.insertNotification(db(), { ...input, channels: [...input.channels] });
      expect(first.isNew).toBe(true);
      expect(first.notification.deliveries.map((d) => [d.channel, d.status])).toEqual([
        ["socket", "pending"],
        ["push", "pending"],
      ]);
      const second = await repo.insertNotification(db(), { ...input, channels: [...input.channels] });
      expect(second).toMatchObject({ isNew: false, notification: { id: first.notification.id } });
      await repo.insertNotification(db(), { ...input, eventId: crypto.randomUUID(), channels: ["socket"] });
      expect(await repo.countUnreadNotifications(db(), user.id)).toBe(2);
      expect(await repo.listNotifications(db(), user.id)).toHaveLength(2);
      expect(await repo.markNotificationsRead(db(), user.id, [first.notification.id])).toBe(1);
      expect(await repo.listNotifications(db(), user.id, { unreadOnly: true })).toHaveLength(1);
      expect(await repo.markNotificationsRead(db(), user.id)).toBe(1);
      expect(await repo.countUnreadNotifications(db(), user.id)).toBe(0);

      const delivery = await repo.recordDeliveryAttempt(db(), {
        notificationId: first.notification.id,
        channel: "push",
        status: "failed",
        error: "gateway down",
      });
      expect(delivery).toMatchObject({ attempts: 1, status: "failed", lastError: "gateway down" });
      const pending = await repo.listPendingDeliveries(db(), "push");
      expect(pending.map((d) => d.notificationId)).toContain(first.notification.id);
      const sent = await repo.recordDeliveryAttempt(db(), {
        notificationId: first.notification.id,
        channel: "push",
        status: "sent",
      });
      expect(sent).toMatchObject({ attempts: 2, status: "sent", lastError: null });
    });

    it("schedules a failed e-mail's next try, hands it to one claimer when due, and gives up at the limit", async () => {
      const user = await createUser();
      const type = `test.retry-${crypto.randomUUID().slice(0, 8)}`;
      const { notification } = await repo.insertNotification(db(), {
        eventId: crypto.randomUUID(),
        userId: user.id,
        type,
        payload: {},
        channels: ["socket", "email"],
      });
      const key = { notificationId: notification.id, channel: "email" as const };
      const policy = { firstDelayMs: 60_000, maxAttempts: 2 };
      const failedAt = new Date();
      const failed = await repo.recordDeliveryAttempt(
        db(),
        { ...key, status: "failed", error: "mailbox full", retry: policy },
        failedAt,
      );
      expect(failed.attempts).toBe(1);
      const wait = (failed.nextAttemptAt?.getTime() ?? 0) - failedAt.getTime();
      expect(wait).toBeGreaterThanOrEqual(48_000);
      expect(wait).toBeLessThanOrEqual(72_000);

      const claim = (at: Date) =>
        repo.claimDueDeliveries(db(), { channel: "email", limit: 100, leaseMs: 30_000 }, at);
      const mine = (rows: repo.DueDelivery[]) => rows.filter((row) => row.notificationId === notification.id);
      expect(mine(await claim(failedAt))).toEqual([]);
      const dueAt = new Date(failedAt.getTime() + 73_000);
      const [taken] = mine(await claim(dueAt));
      expect(taken).toMatchObject({ attempts: 1, notification: { type, user: { email: user.email } } });
      // The lease moved its next attempt on: a second claimer at the same moment finds nothing.
      expect(mine(await claim(dueAt))).toEqual([]);

      const again = await repo.recordDeliveryAttempt(
        db(),
        { ...key, status: "failed", error: "still full", retry: policy },
        dueAt,
      );
      expect(again).toMatchObject({ attempts: 2, nextAttemptAt: null, lastError: "still full" });
      const failures = await repo.listFailedDeliveries(db(), { channel: "email", limit: 500 });
      expect(failures.find((row) => row.notificationId === notification.id)).toMatchObject({
        attempts: 2,
        notification: { type, user: { username: user.username } },
      });

      // Given up, it is due again only when someone asks for it.
      expect(await repo.retryDeliveryNow(db(), { notificationId: notification.id, channel: "socket" })).toBe(
        false,
      );
      expect(await repo.retryDeliveryNow(db(), key, dueAt)).toBe(true);
      expect(mine(await claim(dueAt))).toHaveLength(1);
      const sent = await repo.recordDeliveryAttempt(db(), { ...key, status: "sent" }, dueAt);
      expect(sent).toMatchObject({ attempts: 3, status: "sent", nextAttemptAt: null, lastError: null });
      expect(await repo.retryDeliveryNow(db(), key)).toBe(false);

      const summary = await repo.summarizeNotifications(db(), new Date(failedAt.getTime() - 60_000));
      expect(summary.byType).toContainEqual({ type, count: 1 });
      expect(summary.byDelivery.some((row) => row.channel === "email" && row.status === "sent")).toBe(true);
    });

    it("waits four times longer after each failure, spread by a fifth either way", () => {
      const now = new Date(0);
      const policy = { firstDelayMs: 1_000, maxAttempts: 4 };
      const at = (attempts: number, random: number) =>
        repo.nextAttemptAfter(attempts, policy, now, () => random)?.getTime() ?? null;
      expect([at(1, 0.5), at(2, 0.5), at(3, 0.5)]).toEqual([1_000, 4_000, 16_000]);
      expect([at(1, 0), at(1, 1)]).toEqual([800, 1_200]);
      expect(at(4, 0.5)).toBeNull();
      expect(repo.nextAttemptAfter(20, { firstDelayMs: 1_000, maxAttempts: 99 }, now, () => 0.5)).toEqual(
        new Date(6 * 60 * 60 * 1000),
      );
    });
  });

  describe("fan-out tasks", () => {
    it("records a task once and tracks its progress to completion", async () => {
      const owner = await createUser();
      const group = await repo.createGroup(db(), { ownerId: owner.id, name: "Crowd" });
      const taskId = crypto.randomUUID();
      const input = { taskId, groupId: group.id, messageId: 42, totalRecipients: 1000, batchesTotal: 2 };
      const created = await repo.createFanoutTask(db(), input);
      expect(created.status).toBe("pending");
      await repo.createFanoutTask(db(), { ...input, totalRecipients: 1 });
      expect((await repo.findFanoutTask(db(), taskId))?.totalRecipients).toBe(1000);
      expect((await repo.startFanoutTask(db(), taskId)).status).toBe("running");
      await Promise.all([
        repo.recordFanoutProgress(db(), taskId, {
          recipients: 500,
          onlineRecipients: 10,
          byGateway: { "gw-1": 6, "gw-2": 4 },
        }),
        repo.recordFanoutProgress(db(), taskId, {
          recipients: 500,
          onlineRecipients: 7,
          byGateway: { "gw-2": 5, "gw-3": 2 },
        }),
      ]);
      await expect(
        repo.recordFanoutProgress(db(), crypto.randomUUID(), { recipients: 1, onlineRecipients: 0 }),
      ).rejects.toThrow(/no fan-out task/);
      const done = await repo.finishFanoutTask(db(), taskId, { status: "completed" });
      expect(done).toMatchObject({
        processedRecipients: 1000,
        onlineRecipients: 17,
        batchesDone: 2,
        status: "completed",
        deliveriesByGateway: { "gw-1": 6, "gw-2": 9, "gw-3": 2 },
      });
      expect(done.finishedAt).not.toBeNull();
      const listed = await repo.listFanoutTasks(db(), { groupId: group.id });
      expect(listed.map((t) => t.id)).toEqual([taskId]);
      expect(await repo.listFanoutTasks(db(), { status: "running", groupId: group.id })).toEqual([]);
    });
  });
}
