import { AppError } from "@gochat/contracts";
import { findUserById, listLiveGateways } from "@gochat/db/server";
import { toAdminUserView } from "../../services/user-admin";
import { adminProcedure, router } from "../../trpc";
import { adminAuditRouter } from "./audit";
import { adminDeadLettersRouter } from "./dead-letters";
import { adminFanoutTasksRouter } from "./fanout-tasks";
import { adminNotificationsRouter } from "./notifications";
import { adminUsersRouter } from "./users";

/** The admin console's DB-backed data; every procedure needs the admin role in the access token. */
export const adminRouter = router({
  whoami: adminProcedure.query(async ({ ctx }) => {
    const user = await findUserById(ctx.db, ctx.auth.userId);
    if (user === null) throw new AppError("NOT_FOUND", "the account no longer exists");
    return toAdminUserView(user);
  }),
  audit: adminAuditRouter,
  users: adminUsersRouter,
  fanoutTasks: adminFanoutTasksRouter,
  deadLetters: adminDeadLettersRouter,
  notifications: adminNotificationsRouter,
  /** Gateway instances registered with a fresh heartbeat: the catalogue the console checks topics against. */
  liveGateways: adminProcedure.query(async ({ ctx }) =>
    (await listLiveGateways(ctx.db, ctx.presenceTtlMs)).map((gateway) => ({
      id: gateway.id,
      startedAt: gateway.startedAt.toISOString(),
      lastBeatAt: gateway.lastBeatAt.toISOString(),
    })),
  ),
});
