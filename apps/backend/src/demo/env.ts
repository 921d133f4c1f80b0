import { parseEnv } from "@gochat/config";
import { z } from "zod";

const shape = {
  DEMO_REPO_URL: z.url().default("http://127.0.0.1:7000/trpc"),
  DEMO_GATEWAY_URLS: z
    .string()
    .default("http://127.0.0.1:7001,http://127.0.0.1:7002")
    .transform((value) => value.split(",").map((url) => url.trim()))
    .pipe(z.tuple([z.url(), z.url()])),
};

export function readDemoEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv("chat demo", shape, source);
}
