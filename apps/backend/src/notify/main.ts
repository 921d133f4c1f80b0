import { startTelemetry } from "@gochat/telemetry";
import { readNotificationEnv } from "./env";

const env = readNotificationEnv();
const telemetry = await startTelemetry({ serviceName: "notification-service", prometheus: true });
// Loaded only now, so that OpenTelemetry patches kafkajs and http as they are imported.
const { runNotificationService } = await import("./run");
await runNotificationService(env, telemetry);
