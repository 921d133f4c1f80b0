// Browser-safe: enum values and row types only. The client and repositories live in "@gochat/db/server".
export * from "./generated/prisma/enums";
export type {
  Conversation,
  ConversationMember,
  FanoutTask,
  FriendRequest,
  Friendship,
  Group,
  Message,
  Notification,
  NotificationDelivery,
  Session,
  User,
} from "./generated/prisma/browser";
export type { PublicUser } from "./repositories/users";
export type { StoredMessage } from "./repositories/messages";
