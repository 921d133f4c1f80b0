import { authRouter } from "./router/auth";
import { conversationsRouter } from "./router/conversations";
import { friendsRouter } from "./router/friends";
import { groupsRouter } from "./router/groups";
import { internalRouter } from "./router/internal";
import { notificationsRouter } from "./router/notifications";
import { usersRouter } from "./router/users";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  friends: friendsRouter,
  conversations: conversationsRouter,
  groups: groupsRouter,
  internal: internalRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
