import { parseEnv } from "@gochat/config";
import { z } from "zod";

/** Only what GoChat decides from; the SDK itself reads the rest of the standard `OTEL_*` variables. */
export function telemetryEnv() {
  return parseEnv(
    "telemetry",
    {
      OTEL_TRACES_EXPORTER: z
        .string()
        .regex(/^[a-z_,]+$/, "must be a list of exporter names")
        .optional(),
    },
    process.env,
  );
}
