import { startTelemetry } from "@gochat/telemetry";
import { readRepoEnv } from "./env";

const env = readRepoEnv();
const telemetry = await startTelemetry({ serviceName: "im-repo", prometheus: true, database: true });
// Loaded only now, so that OpenTelemetry patches http, kafkajs and Prisma as they are imported.
const { runRepo } = await import("./run");
await runRepo(env, telemetry);
