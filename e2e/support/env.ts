import { fields, parseEnv } from "@gochat/config";
import { z } from "zod";

/**
 * The suite's settings. The system listens on fixed ports well away from `npm start`'s defaults, so the
 * suite runs beside a developer's own instance; E2E_PORT_BASE moves all of them at once. CHROMIUM_PATH
 * points at another Chromium than Debian's.
 */
const shape = {
  E2E_PORT_BASE: fields.port
    .pipe(z.number().min(1024, "must be at least 1024").max(60000, "must be at most 60000"))
    .default(27000),
  CHROMIUM_PATH: z.string().regex(/^\//, "must be an absolute path").default("/usr/bin/chromium"),
};

export interface E2ePorts {
  web: number;
  admin: number;
  broker: number;
  repo: number;
  gateways: { id: string; port: number }[];
}

export interface E2eEnv {
  ports: E2ePorts;
  chromiumPath: string;
}

export function readE2eEnv(source: Record<string, string | undefined> = process.env): E2eEnv {
  const env = parseEnv("e2e", shape, source);
  const base = env.E2E_PORT_BASE;
  // im-repo serves health on +100, the workers on +110..+113 and analytics on +200; gateways on their port +100.
  return {
    ports: {
      web: base + 300,
      admin: base + 301,
      broker: base + 2092,
      repo: base,
      gateways: [
        { id: "gw-1", port: base + 1 },
        { id: "gw-2", port: base + 2 },
      ],
    },
    chromiumPath: env.CHROMIUM_PATH,
  };
}

export function inheritedEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

/**
 * The embedded broker's SASL credentials, handed from the global setup (which reads them from the data
 * directory it created) to the journeys that talk to Kafka: Playwright passes the setup's environment on.
 */
export function shareKafkaCredentials(json: string): void {
  process.env.E2E_KAFKA_SASL = json;
}

export function readKafkaCredentials(): { username: string; password: string } {
  return z
    .object({ username: z.string().min(1), password: z.string().min(1) })
    .parse(JSON.parse(process.env.E2E_KAFKA_SASL ?? "{}"));
}

/** Where the global setup's SMTP sink appends each e-mail it accepts, one JSON line each. */
export function mailboxFile(): string {
  const file = process.env.E2E_MAILBOX;
  if (file === undefined) throw new Error("E2E_MAILBOX is not set: the global setup starts the SMTP sink");
  return file;
}

export function shareMailbox(file: string): void {
  process.env.E2E_MAILBOX = file;
}
