import { expect, it } from "vitest";
import { rootSampleRatio, telemetryEnv } from "./env";
import { samplerFromEnv } from "./start-telemetry";

it("samples a tenth of new traces and follows the parent otherwise, unless the standard variables say", () => {
  expect(samplerFromEnv(telemetryEnv({}))?.toString()).toBe(
    "ParentBased{root=TraceIdRatioBased{0.1}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}",
  );
  expect(samplerFromEnv(telemetryEnv({ OTEL_TRACES_SAMPLER: "always_on" }))).toBeUndefined();
  expect(() => telemetryEnv({ OTEL_TRACES_SAMPLER: "sometimes" })).toThrow(/OTEL_TRACES_SAMPLER/);
  expect(() => telemetryEnv({ OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(/between 0 and 1/);
});

it("gives the browser, which starts its traces itself, the share the services would keep", () => {
  const ratio = (source: Record<string, string>) => rootSampleRatio(telemetryEnv(source));
  expect(ratio({})).toBe(0.1);
  expect(ratio({ OTEL_TRACES_SAMPLER: "parentbased_always_on" })).toBe(1);
  expect(ratio({ OTEL_TRACES_SAMPLER: "always_off" })).toBe(0);
  expect(ratio({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" })).toBe(
    0.25,
  );
  expect(ratio({ OTEL_TRACES_SAMPLER: "traceidratio" })).toBe(1);
});
