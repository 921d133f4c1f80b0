import { fields, parseEnv } from "@gochat/config";
import { kafkaEnvShape, serviceEnvShape, serviceCredentialEnvShape } from "@gochat/service-kit/env";
import { z } from "zod";

const shape = {
  ...serviceEnvShape,
  ...kafkaEnvShape,
  /** im-repo's tRPC endpoint, e.g. http://127.0.0.1:7000/trpc. */
  REPO_URL: z.url({ message: "must be a URL" }),
  ...serviceCredentialEnvShape,
  GOCHAT_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** An SMTP server, e.g. smtp://user:pass@mail.example.com:587; without one no e-mail is sent. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  SMTP_FROM: z.string().min(3).default("GoChat <no-reply@gochat.local>"),
  /** A failed e-mail is tried again after this long, four times longer after each further failure. */
  NOTIFY_EMAIL_RETRY_FIRST_DELAY_MS: fields.positiveInt.min(100).max(86_400_000).default(60_000),
  /** Tries of one e-mail in all, the first included; then it waits for an admin's retry. */
  NOTIFY_EMAIL_MAX_ATTEMPTS: fields.positiveInt.max(50).default(5),
  /** How often due retries are looked for. */
  NOTIFY_EMAIL_RETRY_POLL_MS: fields.positiveInt.min(100).max(600_000).default(5_000),
};

export type NotificationEnv = z.infer<z.ZodObject<typeof shape>>;

export function readNotificationEnv(
  source: Record<string, string | undefined> = process.env,
): NotificationEnv {
  return parseEnv("notification-service", shape, source);
}
