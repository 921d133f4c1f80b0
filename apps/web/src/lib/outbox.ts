import { pendingTail, type ChatItem } from "./chat-store";

/**
 * Messages this tab has not had accepted yet, kept in sessionStorage so a reload does not lose them:
 * they come back as pending and go out (under their original client ids, so at most once) when the tab
 * reconnects. sessionStorage belongs to one tab, so two tabs never both resend the same message.
 */
export interface OutboxEntry {
  conversationId: string;
  item: ChatItem;
}

const key = (userId: string) => `gochat.outbox.${userId}`;

export function loadOutbox(userId: string): OutboxEntry[] {
  try {
    const parsed = JSON.parse(window.sessionStorage.getItem(key(userId)) ?? "[]") as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (entry): entry is OutboxEntry =>
        typeof (entry as OutboxEntry).conversationId === "string" &&
        typeof (entry as OutboxEntry).item.clientMsgId === "string" &&
        typeof (entry as OutboxEntry).item.content === "string",
    );
  } catch {
    return [];
  }
}

export function clearOutbox(userId: string): void {
  window.sessionStorage.removeItem(key(userId));
}

export function saveOutbox(userId: string, entries: readonly OutboxEntry[]): void {
  if (entries.length === 0) window.sessionStorage.removeItem(key(userId));
  else window.sessionStorage.setItem(key(userId), JSON.stringify(entries));
}

/** The unaccepted messages of a set of timelines, with a signature that changes when any of them does. */
export function pendingEntries(timelines: ReadonlyMap<string, { items: readonly ChatItem[] }>): {
  entries: OutboxEntry[];
  signature: string;
} {
  const entries: OutboxEntry[] = [];
  for (const [conversationId, timeline] of timelines) {
    for (const item of pendingTail(timeline.items)) entries.push({ conversationId, item });
  }
  return { entries, signature: entries.map(({ item }) => `${item.key}:${item.state}`).join("|") };
}
