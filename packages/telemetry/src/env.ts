import { parseEnv } from "@gochat/config";
import { z } from "zod";

const exporterList = z
  .string()
  .regex(/^[a-z_,]+$/, "must be a list of exporter names")
  .optional();

/** Only what GoChat decides from; the SDK itself reads the rest of the standard `OTEL_*` variables. */
export function telemetryEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(
    "telemetry",
    {
      OTEL_TRACES_EXPORTER: exporterList,
      OTEL_LOGS_EXPORTER: exporterList,
      /** The standard sampler names; unset, GoChat's default (`defaultSampler`) applies. */
      OTEL_TRACES_SAMPLER: z
        .enum([
          "always_on",
          "always_off",
          "traceidratio",
          "parentbased_always_on",
          "parentbased_always_off",
          "parentbased_traceidratio",
        ])
        .optional(),
      OTEL_TRACES_SAMPLER_ARG: z.coerce
        .number({ message: "must be a number" })
        .min(0, "must be between 0 and 1")
        .max(1, "must be between 0 and 1")
        .optional(),
    },
    source,
  );
}

/**
 * The share of traces started here (a root span: a message sent with no trace context) that are
 * recorded; a trace begun elsewhere follows its parent's decision, so a trace is kept or dropped whole.
 * A tenth keeps tracing's cost on the message pipeline within its 10% budget while every busy path still
 * shows up within seconds; `OTEL_TRACES_SAMPLER=parentbased_always_on` records everything.
 */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.1;

/**
 * The share of new traces kept under the standard sampler variables (GoChat's default when unset), for a
 * client that starts traces itself and must decide as the services would: the browser.
 */
export function rootSampleRatio(env: ReturnType<typeof telemetryEnv>): number {
  switch (env.OTEL_TRACES_SAMPLER) {
    case undefined:
      return DEFAULT_TRACE_SAMPLE_RATIO;
    case "always_on":
    case "parentbased_always_on":
      return 1;
    case "always_off":
    case "parentbased_always_off":
      return 0;
    case "traceidratio":
    case "parentbased_traceidratio":
      return env.OTEL_TRACES_SAMPLER_ARG ?? 1;
  }
}
