/** The processes of GoChat, as named by the seed. */
export const SERVICES = [
  "im-gateway",
  "im-logic",
  "im-task",
  "im-repo",
  "notification-service",
  "analytics",
] as const;
export type ServiceName = (typeof SERVICES)[number];
