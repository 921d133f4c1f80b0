import { expect, it } from "vitest";
import { readStartEnv } from "./env";
import { planServices } from "./service-plan";

const names = (source: Record<string, string>) => planServices(readStartEnv(source)).map((s) => s.name);

it("runs the embedded trace store first, unless turned off or OTLP points at a collector", () => {
  expect(names({})).toEqual([
    "trace-store",
    "im-repo",
    "im-logic",
    "im-task",
    "notification-service",
    "analytics",
    "im-gateway gw-1",
    "im-gateway gw-2",
    "pipeline-probe",
  ]);
  expect(names({ GOCHAT_PROBE_INTERVAL_MS: "0" })).not.toContain("pipeline-probe");
  expect(names({ GOCHAT_TRACE_STORE: "false" })[0]).toBe("im-repo");
  expect(names({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })[0]).toBe("im-repo");
  expect(names({ OTEL_TRACES_EXPORTER: "none" })[0]).toBe("im-repo");
});

it("gives every service a health port of its own, derived from the configured ports", () => {
  const plan = planServices(readStartEnv({ GOCHAT_REPO_PORT: "8000", GOCHAT_GATEWAYS: "a:8001,b:8002" }));
  const ports = plan.filter((s) => s.hasMetrics).map((s) => s.healthPort);
  expect(new Set(ports).size).toBe(ports.length);
  expect(plan.find((s) => s.instance === "b")).toMatchObject({ service: "im-gateway", healthPort: 8102 });
  expect(plan[0]?.readyUrl).toBe("http://127.0.0.1:8318/readyz");
});

it("runs as many instances of im-logic, im-task and notification-service as configured", () => {
  const plan = planServices(
    readStartEnv({ GOCHAT_REPO_PORT: "8000", GOCHAT_INSTANCES: "im-logic=3, im-task=2" }),
  );
  const logic = plan.filter((s) => s.service === "im-logic");
  expect(logic.map((s) => [s.name, s.instance, s.healthPort])).toEqual([
    ["im-logic", "im-logic", 8110],
    ["im-logic 2", "im-logic-2", 8120],
    ["im-logic 3", "im-logic-3", 8121],
  ]);
  expect(logic.map((s) => s.env.KAFKA_CLIENT_ID)).toEqual([undefined, "gochat-2", "gochat-3"]);
  expect(plan.filter((s) => s.service === "im-task").map((s) => s.healthPort)).toEqual([8111, 8130]);
  expect(plan.filter((s) => s.service === "notification-service")).toHaveLength(1);
  const ports = plan.filter((s) => s.hasMetrics).map((s) => s.healthPort);
  expect(new Set(ports).size).toBe(ports.length);
  const instances = plan.map((s) => s.instance);
  expect(new Set(instances).size).toBe(instances.length);
});

it("refuses instance counts it cannot run, naming the variable", () => {
  for (const bad of ["im-repo=2", "analytics=2", "im-logic=0", "im-logic=10", "im-logic"]) {
    expect(() => readStartEnv({ GOCHAT_INSTANCES: bad })).toThrow(/GOCHAT_INSTANCES/);
  }
});

it("takes the browser's trace settings from the environment, and names a bad ratio", () => {
  expect(readStartEnv({ GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: "0.5" }).GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO).toBe(
    0.5,
  );
  expect(() => readStartEnv({ GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: "1.5" })).toThrow(
    /GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO/,
  );
});

it("runs the services no message waits on at a lower priority, named by GOCHAT_BACKGROUND_NICE", () => {
  const plan = planServices(readStartEnv({ GOCHAT_INSTANCES: "im-task=2" }));
  expect(plan.filter((s) => s.background).map((s) => s.name)).toEqual([
    "trace-store",
    "im-task",
    "im-task 2",
    "notification-service",
    "analytics",
  ]);
  expect(readStartEnv({}).GOCHAT_BACKGROUND_NICE).toBe(10);
  expect(readStartEnv({ GOCHAT_BACKGROUND_NICE: "0" }).GOCHAT_BACKGROUND_NICE).toBe(0);
  expect(() => readStartEnv({ GOCHAT_BACKGROUND_NICE: "20" })).toThrow(
    /GOCHAT_BACKGROUND_NICE.*must be a niceness from 0 to 19/,
  );
});
