import { parseArgs } from "node:util";
import { z } from "zod";
import { readDbEnv } from "../env";
import { openDatabaseFromEnv } from "../open-database";
import { recordAudit } from "../repositories/audit-log";
import { setUserRole } from "../repositories/user-admin";

const USAGE = `Usage: npm run db:role -- <username> <admin|user>
  Gives a user the admin role (or takes it away), and records it in the audit log.
  Target: DATABASE_URL (PostgreSQL) or, when unset, PGlite in GOCHAT_DATA_DIR/pglite; the embedded database
  has one owner, so run this while im-repo is stopped. A signed-in user gets the new role with their next
  access token (within minutes) or on signing in again.`;

const argsSchema = z.tuple([
  z.string().trim().min(1, "name a user").max(32),
  z.enum(["admin", "user"], { message: 'the role must be "admin" or "user"' }),
]);

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: "boolean" } },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const parsed = argsSchema.safeParse(positionals);
  if (!parsed.success) throw new Error(`${parsed.error.issues[0]?.message ?? "bad arguments"}\n${USAGE}`);
  const [username, role] = parsed.data;
  const database = await openDatabaseFromEnv(readDbEnv(), { migrate: true });
  try {
    const user = await setUserRole(database.prisma, username, role);
    if (user === null) throw new Error(`there is no user "${username}"`);
    await recordAudit(database.prisma, {
      actorId: null,
      actorName: "command line",
      action: "user.role.changed",
      target: user.id,
      details: { username: user.username, role },
    });
    console.log(`${user.username} now has the ${role} role.`);
  } finally {
    await database.close();
  }
}

// The schema engine used for migrations leaves a timer behind, so the process exits explicitly.
run(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
