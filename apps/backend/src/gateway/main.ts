import { startTelemetry } from "@gochat/telemetry";
import { readGatewayEnv } from "./env";

const env = readGatewayEnv();
const telemetry = await startTelemetry({
  serviceName: "im-gateway",
  instanceId: env.GATEWAY_INSTANCE_ID,
  prometheus: true,
});
// Loaded only now, so that OpenTelemetry patches socket.io, kafkajs and http as they are imported.
const { runGateway } = await import("./run");
await runGateway(env, telemetry);
