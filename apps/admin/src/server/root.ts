import { deadLettersRouter } from "./routers/dead-letters";
import { eventsRouter } from "./routers/events";
import { groupsRouter } from "./routers/groups";
import { overviewRouter } from "./routers/overview";
import { auditRouter, fanoutRouter, notificationsRouter, usersRouter } from "./routers/repo-backed";
import { sessionRouter } from "./routers/session";
import { topicsRouter } from "./routers/topics";
import { tracesRouter } from "./routers/traces";
import { router } from "./trpc";

export const consoleRouter = router({
  session: sessionRouter,
  overview: overviewRouter,
  groups: groupsRouter,
  topics: topicsRouter,
  users: usersRouter,
  audit: auditRouter,
  fanout: fanoutRouter,
  notifications: notificationsRouter,
  deadLetters: deadLettersRouter,
  traces: tracesRouter,
  events: eventsRouter,
});

export type ConsoleRouter = typeof consoleRouter;
