import { parseEnv } from "@gochat/config";
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
};

export type NotificationEnv = z.infer<z.ZodObject<typeof shape>>;

export function readNotificationEnv(
  source: Record<string, string | undefined> = process.env,
): NotificationEnv {
  return parseEnv("notification-service", shape, source);
}
