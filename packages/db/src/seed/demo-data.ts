import type { ChatMessage } from "@gochat/contracts";
import { hashPassword } from "../auth/password";
import type { PrismaClient, UserRole } from "../generated/prisma/client";
import { getOrCreateDirectConversation } from "../repositories/conversations";
import { addGroupMembers, createGroup, findGroup } from "../repositories/groups";
import { insertMessages, nextMessageIds } from "../repositories/messages";

/** Documented in the package README; demo data only. */
export const DEMO_PASSWORD = "gochat-demo";
export const DEMO_ADMIN_PASSWORD = "gochat-admin";

type DemoUser = { id: string; username: string; displayName: string; avatarColor: string; role: UserRole };

export const DEMO_USERS: readonly DemoUser[] = [
  { id: "user-alice", username: "alice", displayName: "Alice Liddell", avatarColor: "#ef4444", role: "user" },
  { id: "user-bob", username: "bob", displayName: "Bob Builder", avatarColor: "#3b82f6", role: "user" },
  { id: "user-carol", username: "carol", displayName: "Carol Danvers", avatarColor: "#22c55e", role: "user" },
  { id: "user-dave", username: "dave", displayName: "Dave Bowman", avatarColor: "#eab308", role: "user" },
  { id: "user-erin", username: "erin", displayName: "Erin Brockovich", avatarColor: "#a855f7", role: "user" },
  { id: "user-admin", username: "admin", displayName: "GoChat Admin", avatarColor: "#0f172a", role: "admin" },
];

const FRIEND_PAIRS: readonly [string, string][] = [
  ["user-alice", "user-bob"],
  ["user-alice", "user-carol"],
  ["user-bob", "user-dave"],
  ["user-carol", "user-dave"],
];

export const SUPER_LARGE_GROUP_ID = "group-everyone";

export type SeedOptions = { crowdSize?: number; batchSize?: number; log?: (line: string) => void };

export type SeedSummary = { users: number; crowdInserted: number; groups: number; superLargeMembers: number };

const crowdId = (index: number) => `crowd-${String(index).padStart(5, "0")}`;

async function seedUsers(prisma: PrismaClient, crowdSize: number, batchSize: number): Promise<number> {
  const [userHash, adminHash] = await Promise.all([
    hashPassword(DEMO_PASSWORD),
    hashPassword(DEMO_ADMIN_PASSWORD),
  ]);
  await prisma.user.createMany({
    data: DEMO_USERS.map((user) => ({ ...user, passwordHash: user.role === "admin" ? adminHash : userHash })),
    skipDuplicates: true,
  });
  // The crowd shares one hash: hashing thousands of passwords with scrypt would take minutes.
  let inserted = 0;
  for (let start = 1; start <= crowdSize; start += batchSize) {
    const end = Math.min(crowdSize, start + batchSize - 1);
    const result = await prisma.user.createMany({
      data: Array.from({ length: end - start + 1 }, (_, offset) => {
        const id = crowdId(start + offset);
        return {
          id,
          username: id.replace("-", ""),
          displayName: `Crowd ${id.slice(6)}`,
          passwordHash: userHash,
        };
      }),
      skipDuplicates: true,
    });
    inserted += result.count;
  }
  return inserted;
}

async function seedFriends(prisma: PrismaClient): Promise<void> {
  await prisma.friendship.createMany({
    data: FRIEND_PAIRS.flatMap(([a, b]) => [
      { userId: a, friendId: b },
      { userId: b, friendId: a },
    ]),
    skipDuplicates: true,
  });
  await prisma.friendRequest.createMany({
    data: [
      ...FRIEND_PAIRS.map(([a, b]) => ({ requesterId: a, addresseeId: b, status: "accepted" as const })),
      { requesterId: "user-erin", addresseeId: "user-alice", message: "Hi Alice, it's Erin!" },
    ],
    skipDuplicates: true,
  });
}

async function seedGroup(
  prisma: PrismaClient,
  input: { id: string; name: string; ownerId: string; memberIds: readonly string[]; announcement: string },
): Promise<void> {
  if (!(await findGroup(prisma, input.id))) {
    await createGroup(prisma, {
      id: input.id,
      name: input.name,
      ownerId: input.ownerId,
      announcement: input.announcement,
    });
  }
  await addGroupMembers(prisma, input.id, input.memberIds);
}

async function seedMessages(
  prisma: PrismaClient,
  conversationId: string,
  lines: readonly [string, string][],
): Promise<void> {
  const ids = await nextMessageIds(prisma, lines.length);
  const start = Date.now() - lines.length * 60_000;
  const messages: ChatMessage[] = lines.map(([senderId, content], index) => ({
    message_id: ids[index] ?? 0,
    conversation_id: conversationId,
    seq: index + 1,
    sender_id: senderId,
    client_msg_id: `seed-${conversationId}-${index + 1}`,
    content_type: "text",
    content,
    created_at_ms: start + index * 60_000,
  }));
  // Re-running inserts nothing: (conversation_id, seq) and the client ids already exist.
  await insertMessages(prisma, messages);
}

/**
 * Demo data for a development machine: named users, friendships, small groups and one super-large
 * group. Every step skips what exists, so running it again changes nothing.
 */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const crowdSize = options.crowdSize ?? 5000;
  const batchSize = options.batchSize ?? 1000;
  const log = options.log ?? (() => undefined);

  const crowdInserted = await seedUsers(prisma, crowdSize, batchSize);
  log(`users: ${DEMO_USERS.length} demo + ${crowdSize} crowd (${crowdInserted} new)`);
  await seedFriends(prisma);

  const direct = await getOrCreateDirectConversation(prisma, "user-alice", "user-bob");
  await seedMessages(prisma, direct.id, [
    ["user-alice", "Hey Bob! Welcome to GoChat."],
    ["user-bob", "Thanks Alice. Everything is delivered in order?"],
    ["user-alice", "Per conversation, by seq. Try recalling a message!"],
  ]);

  await seedGroup(prisma, {
    id: "group-team",
    name: "Team",
    ownerId: "user-alice",
    memberIds: ["user-bob", "user-carol", "user-dave"],
    announcement: "Stand-up at 10:00.",
  });
  await seedMessages(prisma, "group-team", [
    ["user-alice", "Morning, team."],
    ["user-carol", "Morning!"],
  ]);
  await seedGroup(prisma, {
    id: "group-weekend",
    name: "Weekend plans",
    ownerId: "user-bob",
    memberIds: ["user-alice", "user-erin"],
    announcement: "",
  });

  const everyone = [...DEMO_USERS.map((user) => user.id).filter((id) => id !== "user-admin")];
  for (let index = 1; index <= crowdSize; index += 1) everyone.push(crowdId(index));
  await seedGroup(prisma, {
    id: SUPER_LARGE_GROUP_ID,
    name: "Everyone",
    ownerId: "user-admin",
    memberIds: everyone,
    announcement: "Welcome! This group is super-large: its messages fan out through im-task.",
  });
  await seedMessages(prisma, SUPER_LARGE_GROUP_ID, [["user-admin", "Hello, everyone!"]]);
  const group = await findGroup(prisma, SUPER_LARGE_GROUP_ID);
  const superLargeMembers = group?.memberCount ?? 0;
  log(`groups: team, weekend, everyone (${superLargeMembers} members)`);
  return { users: DEMO_USERS.length + crowdSize, crowdInserted, groups: 3, superLargeMembers };
}
