import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";

/**
 * Where the browser finds GoChat's API and gateways. Read on the server at request time, so one build
 * serves any deployment. `{host}` stands for the host name the page was opened on, which keeps the
 * defaults working from another machine on the network as well as from this one.
 */
const url = z
  .string()
  .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL (it may contain {host})");

const shape = {
  GOCHAT_PUBLIC_API_URL: url.default("http://{host}:7000/trpc"),
  /** Gateway instances as `id=url` pairs; each browser session picks one (see lib/gateway-choice.ts). */
  GOCHAT_PUBLIC_GATEWAYS: fields
    .commaList(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]+=https?:\/\/\S+$/, "each entry must be id=http(s)://url")
        .transform((entry) => {
          const at = entry.indexOf("=");
          return { id: entry.slice(0, at), url: entry.slice(at + 1) };
        }),
      "must list at least one gateway",
    )
    .prefault("gw-1=http://{host}:7001,gw-2=http://{host}:7002"),
  /**
   * Where the browser sends the spans of its sends (OTLP/HTTP JSON, e.g. the embedded trace store's
   * `http://{host}:7318/v1/traces`); unset, the client traces nothing and the gateway starts each trace.
   */
  GOCHAT_PUBLIC_TRACES_URL: url.optional(),
  /** The share of sends whose traces are kept, decided in the browser, which starts the trace. */
  GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO: z.coerce
    .number({ message: "must be a number" })
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .default(0.1),
};

export interface PublicConfig {
  apiUrl: string;
  gateways: { id: string; url: string }[];
  tracing: { url: string; sampleRatio: number } | null;
}

export function readPublicConfig(source: Record<string, string | undefined> = process.env): PublicConfig {
  const env = parseEnv("gochat web", shape, source);
  return {
    apiUrl: env.GOCHAT_PUBLIC_API_URL,
    gateways: env.GOCHAT_PUBLIC_GATEWAYS,
    tracing:
      env.GOCHAT_PUBLIC_TRACES_URL === undefined
        ? null
        : { url: env.GOCHAT_PUBLIC_TRACES_URL, sampleRatio: env.GOCHAT_PUBLIC_TRACE_SAMPLE_RATIO },
  };
}

/** `next dev`: React evaluates code to rebuild server error stacks, which the page's CSP must then allow. */
export const isDevelopment = process.env.NODE_ENV === "development";
