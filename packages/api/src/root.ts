import { authRouter } from "./router/auth";
import { conversationsRouter } from "./router/conversations";
import { friendsRouter } from "./router/friends";
import { groupsRouter } from "./router/groups";
import { usersRouter } from "./router/users";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  friends: friendsRouter,
  conversations: conversationsRouter,
  groups: groupsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
