import { parseArgs } from "node:util";
import { z } from "zod";
import type { BrokerOptions } from "./broker-options";

const integer = (name: string, min: number) =>
  z
    .string()
    .regex(/^-?\d+$/, `--${name} must be an integer`)
    .transform(Number)
    .pipe(z.number().int().min(min, `--${name} must be at least ${min}`));

const cliSchema = z.object({
  port: integer("port", 0).pipe(z.number().max(65535, "--port must be at most 65535")),
  host: z.string().min(1, "--host must not be empty"),
  "advertised-host": z.string().min(1, "--advertised-host must not be empty").optional(),
  "data-dir": z.string({ error: "--data-dir is required" }).min(1, "--data-dir must not be empty"),
  partitions: integer("partitions", 1).optional(),
  "max-frame-bytes": integer("max-frame-bytes", 1024).optional(),
  "max-batch-bytes": integer("max-batch-bytes", 1024).optional(),
  "segment-bytes": integer("segment-bytes", 1024).optional(),
  "retention-bytes": integer("retention-bytes", -1).optional(),
  "retention-ms": integer("retention-ms", -1).optional(),
});

export const USAGE = `usage: kafka-broker --data-dir <dir> [--port 9092] [--host 127.0.0.1] [--advertised-host H] [--partitions 3]
       [--max-frame-bytes N] [--max-batch-bytes N] [--segment-bytes N] [--retention-bytes N] [--retention-ms N]`;

/** Turns argv into broker options, or a message that names the bad argument. */
export function parseCliArgs(argv: string[]): { options: BrokerOptions } | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", default: "9092" },
        host: { type: "string", default: "127.0.0.1" },
        "advertised-host": { type: "string" },
        "data-dir": { type: "string" },
        partitions: { type: "string" },
        "max-frame-bytes": { type: "string" },
        "max-batch-bytes": { type: "string" },
        "segment-bytes": { type: "string" },
        "retention-bytes": { type: "string" },
        "retention-ms": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = cliSchema.safeParse(values);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const args = parsed.data;
  return {
    options: {
      host: args.host,
      advertisedHost: args["advertised-host"],
      port: args.port,
      dataDir: args["data-dir"],
      defaultPartitions: args.partitions,
      maxFrameBytes: args["max-frame-bytes"],
      maxBatchBytes: args["max-batch-bytes"],
      segmentBytes: args["segment-bytes"],
      retentionBytes: args["retention-bytes"],
      retentionMs: args["retention-ms"],
    },
  };
}
