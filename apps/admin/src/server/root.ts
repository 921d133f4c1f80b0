import { deadLettersRouter } from "./routers/dead-letters";
import { groupsRouter } from "./routers/groups";
import { overviewRouter } from "./routers/overview";
import { auditRouter, fanoutRouter, usersRouter } from "./routers/repo-backed";
import { sessionRouter } from "./routers/session";
import { topicsRouter } from "./routers/topics";
import { router } from "./trpc";

export const consoleRouter = router({
  session: sessionRouter,
  overview: overviewRouter,
  groups: groupsRouter,
  topics: topicsRouter,
  users: usersRouter,
  audit: auditRouter,
  fanout: fanoutRouter,
  deadLetters: deadLettersRouter,
});

export type ConsoleRouter = typeof consoleRouter;
