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
