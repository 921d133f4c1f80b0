import { expect, it } from "vitest";
import { telemetryEnv } from "./env";
import { samplerFromEnv } from "./start-telemetry";

it("samples a tenth of new traces and follows the parent otherwise, unless the standard variables say", () => {
  expect(samplerFromEnv(telemetryEnv({}))?.toString()).toBe(
    "ParentBased{root=TraceIdRatioBased{0.1}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}",
  );
  expect(samplerFromEnv(telemetryEnv({ OTEL_TRACES_SAMPLER: "always_on" }))).toBeUndefined();
  expect(() => telemetryEnv({ OTEL_TRACES_SAMPLER: "sometimes" })).toThrow(/OTEL_TRACES_SAMPLER/);
  expect(() => telemetryEnv({ OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(/between 0 and 1/);
});
