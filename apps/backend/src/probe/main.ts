import { startTelemetry } from "@gochat/telemetry";
import { readProbeEnv } from "./env";

const env = readProbeEnv();
const telemetry = await startTelemetry({ serviceName: "pipeline-probe", prometheus: true });
// Loaded only now, so that OpenTelemetry patches http as it is imported.
const { runProbe } = await import("./run");
await runProbe(env, telemetry);
