import { AppError } from "@gochat/contracts";
import { getGroupMemberRole, isConversationMember, type PrismaClient } from "@gochat/db/server";

export async function requireMember(db: PrismaClient, conversationId: string, userId: string): Promise<void> {
  if (!(await isConversationMember(db, conversationId, userId))) {
    throw new AppError("NOT_A_MEMBER", "you are not a member of this conversation");
  }
}

/** The caller's role in a group, requiring one of `allowed`. */
export async function requireGroupRole(
  db: PrismaClient,
  groupId: string,
  userId: string,
  allowed: readonly ("owner" | "admin" | "member")[],
): Promise<"owner" | "admin" | "member"> {
  const role = await getGroupMemberRole(db, groupId, userId);
  if (role === null) throw new AppError("NOT_A_MEMBER", "you are not a member of this group");
  if (!allowed.includes(role)) throw new AppError("FORBIDDEN", `only ${allowed.join(" or ")} may do this`);
  return role;
}
