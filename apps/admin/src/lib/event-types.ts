/** The user and message events the event stream shows and filters by (the seed's section 3). */
export const EVENT_TYPES = [
  "user.online",
  "user.offline",
  "user.profile.updated",
  "message.read",
  "message.recalled",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
