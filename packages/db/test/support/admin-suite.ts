import { describe, expect, it } from "vitest";
import * as repo from "../../src/repositories/index";
import { type SuiteContext, uniqueName } from "./suite-context";

/** What the admin console reads and changes: roles, disabled accounts, sessions, the audit log. */
export function defineAdminTests({ db, createUser }: SuiteContext): void {
  describe("user administration", () => {
    it("finds users by part of the username or display name, in any case", async () => {
      const user = await createUser(uniqueName("Findme"));
      const byName = await repo.findUsersForAdmin(db(), user.username.slice(2, 8).toUpperCase(), 10);
      expect(byName.map((u) => u.id)).toContain(user.id);
      const byDisplay = await repo.findUsersForAdmin(db(), user.displayName.slice(1, 6).toLowerCase(), 10);
      expect(byDisplay.map((u) => u.id)).toContain(user.id);
      expect(byName[0]).not.toHaveProperty("passwordHash");
    });

    it("sets a role by username and reports an unknown one", async () => {
      const user = await createUser();
      expect((await repo.setUserRole(db(), user.username.toUpperCase(), "admin"))?.role).toBe("admin");
      expect(await repo.setUserRole(db(), "nobody-at-all", "admin")).toBeNull();
    });

    it("disables an account with its sessions and enables it again", async () => {
      const user = await createUser();
      await repo.createSession(db(), { userId: user.id, ttlMs: 60_000 });
      await repo.createSession(db(), { userId: user.id, ttlMs: 60_000 });
      expect(await repo.listLiveSessions(db(), user.id)).toHaveLength(2);
      const disabled = await repo.setUserDisabled(db(), user.id, true);
      expect(disabled?.revokedSessions).toBe(2);
      expect(disabled?.user.disabledAt).toBeInstanceOf(Date);
      expect(await repo.listLiveSessions(db(), user.id)).toHaveLength(0);
      expect((await repo.setUserDisabled(db(), user.id, false))?.user.disabledAt).toBeNull();
      expect(await repo.setUserDisabled(db(), "no-such-user", true)).toBeNull();
    });

    it("lists the live gateways holding a user's sockets", async () => {
      const user = await createUser();
      const gatewayId = uniqueName("gw");
      await repo.registerGateway(db(), gatewayId, new Date());
      await repo.attachSocket(db(), user.id, gatewayId);
      await repo.attachSocket(db(), user.id, gatewayId);
      const gateways = await repo.listUserGateways(db(), user.id);
      expect(gateways).toEqual([expect.objectContaining({ gatewayId, sockets: 2 })]);
      expect(await repo.listUserGateways(db(), user.id, { now: new Date(Date.now() + 60_000) })).toEqual([]);
    });
  });

  describe("audit log", () => {
    it("records entries and lists them newest first, filtered and paged", async () => {
      const target = uniqueName("group-");
      const t0 = Date.now() - 10_000;
      for (let i = 0; i < 3; i++) {
        await repo.recordAudit(db(), {
          actorId: null,
          actorName: "tester",
          action: "group.offsets.reset",
          target,
          details: { step: i },
          at: new Date(t0 + i * 1000),
        });
      }
      const listed = await repo.listAudit(db(), { limit: 10, target });
      expect(listed.map((entry) => entry.details)).toEqual([{ step: 2 }, { step: 1 }, { step: 0 }]);
      const older = await repo.listAudit(db(), { limit: 10, target, before: listed[0]?.createdAt });
      expect(older).toHaveLength(2);
      expect(await repo.listAudit(db(), { limit: 10, target, action: "user.disabled" })).toEqual([]);
    });
  });
}
