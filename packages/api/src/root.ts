import { adminRouter } from "./router/admin";
import { authRouter } from "./router/auth";
import { conversationsRouter } from "./router/conversations";
import { friendsRouter } from "./router/friends";
import { groupsRouter } from "./router/groups";
import { internalRouter } from "./router/internal";
import { notificationsRouter } from "./router/notifications";
import { usersRouter } from "./router/users";
import { createCallerFactory, router } from "./trpc";

const publicRouters = {
  auth: authRouter,
  users: usersRouter,
  friends: friendsRouter,
  conversations: conversationsRouter,
  groups: groupsRouter,
  notifications: notificationsRouter,
  admin: adminRouter,
};

/** What clients reach on im-repo's public listener. */
export const publicRouter = router(publicRouters);

/** What GoChat's services reach on im-repo's internal listener: `internal.*` only. */
export const internalApiRouter = router({ internal: internalRouter });

/** Both together: the type clients are written against, and the in-process caller. */
export const appRouter = router({ ...publicRouters, internal: internalRouter });

export type AppRouter = typeof appRouter;
export type PublicRouter = typeof publicRouter;
export type InternalApiRouter = typeof internalApiRouter;

export const createCaller = createCallerFactory(appRouter);
