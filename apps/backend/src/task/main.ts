import { startTelemetry } from "@gochat/telemetry";
import { readTaskEnv } from "./env";

const env = readTaskEnv();
const telemetry = await startTelemetry({ serviceName: "im-task", prometheus: true });
// Loaded only now, so that OpenTelemetry patches kafkajs and http as they are imported.
const { runTask } = await import("./run");
await runTask(env, telemetry);
