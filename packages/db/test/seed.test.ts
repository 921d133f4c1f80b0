import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseKind } from "../src/open-database";
import { listConversationsForUser } from "../src/repositories/conversations";
import { isSuperLargeGroup, findGroup, listGroupMembers } from "../src/repositories/groups";
import { verifyUserPassword } from "../src/repositories/users";
import {
  DEMO_ADMIN_PASSWORD,
  DEMO_PASSWORD,
  SUPER_LARGE_GROUP_ID,
  seedDemoData,
} from "../src/seed/demo-data";
import { openTestDatabase } from "./support/test-databases";

describe.each<DatabaseKind>(["pglite", "postgres"])("demo seed on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  it("seeds users, friends and a super-large group, and is idempotent", async () => {
    const prisma = database.prisma;
    const first = await seedDemoData(prisma);
    expect(first).toEqual({ users: 5006, crowdInserted: 5000, groups: 3, superLargeMembers: 5006 });
    const counts = async () => ({
      users: await prisma.user.count(),
      members: await prisma.conversationMember.count(),
      messages: await prisma.message.count(),
      friendships: await prisma.friendship.count(),
      requests: await prisma.friendRequest.count(),
      groups: await prisma.group.count(),
    });
    const before = await counts();
    expect(before).toMatchObject({ users: 5006, groups: 3, friendships: 8, messages: 6 });
    const second = await seedDemoData(prisma);
    expect(second.crowdInserted).toBe(0);
    expect(await counts()).toEqual(before);

    expect((await verifyUserPassword(prisma, "alice", DEMO_PASSWORD))?.id).toBe("user-alice");
    expect((await verifyUserPassword(prisma, "admin", DEMO_ADMIN_PASSWORD))?.role).toBe("admin");
    expect((await verifyUserPassword(prisma, "crowd00042", DEMO_PASSWORD))?.id).toBe("crowd-00042");
    const everyone = await findGroup(prisma, SUPER_LARGE_GROUP_ID);
    expect(everyone && isSuperLargeGroup(everyone)).toBe(true);
    const page = await listGroupMembers(prisma, SUPER_LARGE_GROUP_ID, { limit: 1000 });
    expect(page.members).toHaveLength(1000);
    expect(page.nextCursor).not.toBeNull();
    const aliceConversations = await listConversationsForUser(prisma, "user-alice");
    expect(aliceConversations.map((c) => c.conversationId)).toEqual(
      expect.arrayContaining(["group-team", "group-weekend", SUPER_LARGE_GROUP_ID]),
    );
  }, 90_000);
});
