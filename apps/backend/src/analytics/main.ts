import { startTelemetry } from "@gochat/telemetry";
import { readAnalyticsEnv } from "./env";

const env = readAnalyticsEnv();
const telemetry = await startTelemetry({ serviceName: "analytics", prometheus: true });
// Loaded only now, so that OpenTelemetry patches kafkajs and http as they are imported.
const { runAnalytics } = await import("./run");
await runAnalytics(env, telemetry);
