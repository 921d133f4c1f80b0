import type {
  ChatMessage,
  MessageEvent,
  NotificationDeliveryEvent,
  NotificationEvent,
  UserEvent,
} from "@gochat/contracts";
import { OnlineTimeline, type OnlineSample } from "./online-timeline";
import { RecentIds } from "./recent-ids";

/** What every domain event carries, whichever `gochat.*-events` topic it came from. */
export interface DomainEventEnvelope {
  event_id: string;
  event_type: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface AnalyticsSnapshot {
  onlineUsers: number;
  peakOnlineUsers: number;
  onlineTimeline: OnlineSample[];
  messages: { sent: number; read: number; recalled: number; readRate: number };
  /** Notifications by type, and their deliveries by channel and outcome (socket: { sent: 3, skipped: 1 }). */
  notifications: { byType: Record<string, number>; byChannel: Record<string, Record<string, number>> };
  profileUpdates: number;
  /** Distinct domain events (by event id) from every `gochat.*-events` topic and gochat.notifications. */
  eventsSeen: number;
  /** The time of the oldest record counted (ISO 8601), null before any; retention decides how far back. */
  since: string | null;
}

interface ConversationProgress {
  lastSeq: number;
  maxReadSeq: number;
}

/**
 * The figures behind GET /stats, built from records alone so that they can be rebuilt by replaying the
 * topics. Every method is idempotent for a redelivered record: domain events count once per event id,
 * messages once per message id, within the last `recentIdLimit` ids of each.
 */
export class AnalyticsFigures {
  readonly #seenEvents: RecentIds<string>;
  readonly #sentMessages: RecentIds<number>;
  readonly #recalledMessages: RecentIds<number>;
  readonly #gatewaysByUser = new Map<string, Set<string>>();
  readonly #timeline = new OnlineTimeline();
  readonly #conversations = new Map<string, ConversationProgress>();
  readonly #notificationsByType = new Map<string, number>();
  readonly #deliveriesByChannel = new Map<string, Map<string, number>>();
  #peakOnline = 0;
  #sent = 0;
  #read = 0;
  #recalled = 0;
  #readMessages = 0;
  #profileUpdates = 0;
  #eventsSeen = 0;
  #sinceMs: number | undefined;

  constructor(recentIdLimit = 100_000) {
    this.#seenEvents = new RecentIds(recentIdLimit);
    this.#sentMessages = new RecentIds(recentIdLimit);
    this.#recalledMessages = new RecentIds(recentIdLimit);
  }

  recordUserEvent(event: UserEvent): void {
    if (!this.#countEvent(event)) return;
    if (event.event_type === "user.profile.updated") {
      this.#profileUpdates += 1;
      return;
    }
    const gateways = this.#gatewaysByUser.get(event.user_id) ?? new Set<string>();
    // A user is online while any gateway holds a connection of theirs; one gateway going away leaves the others.
    if (event.event_type === "user.online") gateways.add(event.payload.gateway_id);
    else gateways.delete(event.payload.gateway_id);
    if (gateways.size === 0) this.#gatewaysByUser.delete(event.user_id);
    else this.#gatewaysByUser.set(event.user_id, gateways);
    const online = this.#gatewaysByUser.size;
    this.#peakOnline = Math.max(this.#peakOnline, online);
    this.#timeline.record(event.timestamp * 1000, online);
  }

  /**
   * Reads advance the conversation's read mark. A message counts as read once anyone in the conversation
   * has read up to its seq: remembering each message's sender to exclude them would cost memory per
   * message, and senders do not send read receipts for their own messages anyway.
   */
  recordMessageEvent(event: MessageEvent): void {
    if (!this.#countEvent(event)) return;
    if (event.event_type === "message.recalled") {
      if (this.#recalledMessages.addIfNew(event.payload.message_id)) this.#recalled += 1;
      return;
    }
    this.#read += 1;
    this.#updateConversation(event.conversation_id, (progress) => {
      progress.maxReadSeq = Math.max(progress.maxReadSeq, event.payload.seq_id);
    });
  }

  recordNotification(event: NotificationEvent): void {
    if (!this.#countEvent(event)) return;
    this.#notificationsByType.set(
      event.event_type,
      (this.#notificationsByType.get(event.event_type) ?? 0) + 1,
    );
  }

  recordNotificationDelivery(event: NotificationDeliveryEvent): void {
    if (!this.#countEvent(event)) return;
    const { channel, status } = event.payload;
    const outcomes = this.#deliveriesByChannel.get(channel) ?? new Map<string, number>();
    outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
    this.#deliveriesByChannel.set(channel, outcomes);
  }

  /** A domain event from a topic this service has no schema for: it is counted, nothing more. */
  recordOtherEvent(event: DomainEventEnvelope): void {
    this.#countEvent(event);
  }

  /** gochat.messages.persist carries every accepted message once or more; it is the count of sends. */
  recordPersistedMessage(message: ChatMessage): void {
    if (!this.#sentMessages.addIfNew(message.message_id)) return;
    this.#sent += 1;
    this.#noteTime(message.created_at_ms);
    this.#updateConversation(message.conversation_id, (progress) => {
      progress.lastSeq = Math.max(progress.lastSeq, message.seq);
    });
  }

  snapshot(): AnalyticsSnapshot {
    return {
      onlineUsers: this.#gatewaysByUser.size,
      peakOnlineUsers: this.#peakOnline,
      onlineTimeline: this.#timeline.samples(),
      messages: {
        sent: this.#sent,
        read: this.#read,
        recalled: this.#recalled,
        readRate: this.#sent === 0 ? 0 : Math.min(1, this.#readMessages / this.#sent),
      },
      notifications: {
        byType: Object.fromEntries(this.#notificationsByType),
        byChannel: Object.fromEntries(
          [...this.#deliveriesByChannel].map(([channel, outcomes]) => [
            channel,
            Object.fromEntries(outcomes),
          ]),
        ),
      },
      profileUpdates: this.#profileUpdates,
      eventsSeen: this.#eventsSeen,
      since: this.#sinceMs === undefined ? null : new Date(this.#sinceMs).toISOString(),
    };
  }

  #countEvent(event: DomainEventEnvelope): boolean {
    if (!this.#seenEvents.addIfNew(event.event_id)) return false;
    this.#eventsSeen += 1;
    this.#noteTime(event.timestamp * 1000);
    return true;
  }

  #noteTime(atMs: number): void {
    if (this.#sinceMs === undefined || atMs < this.#sinceMs) this.#sinceMs = atMs;
  }

  /** Keeps Σ min(maxReadSeq, lastSeq) over conversations current as either side moves. */
  #updateConversation(conversationId: string, change: (progress: ConversationProgress) => void): void {
    const progress = this.#conversations.get(conversationId) ?? { lastSeq: 0, maxReadSeq: 0 };
    const before = Math.min(progress.maxReadSeq, progress.lastSeq);
    change(progress);
    this.#readMessages += Math.min(progress.maxReadSeq, progress.lastSeq) - before;
    this.#conversations.set(conversationId, progress);
  }
}
