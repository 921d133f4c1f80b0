import { startTelemetry } from "@gochat/telemetry";
import { readLogicEnv } from "./env";

const env = readLogicEnv();
const telemetry = await startTelemetry({ serviceName: "im-logic", prometheus: true });
// Loaded only now, so that OpenTelemetry patches kafkajs and http as they are imported.
const { runLogic } = await import("./run");
await runLogic(env, telemetry);
