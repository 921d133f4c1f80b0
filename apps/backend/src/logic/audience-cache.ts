/** Who is in a conversation and where the online ones are connected, as im-repo last said. */
export interface Audience {
  members: readonly string[];
  presence: ReadonlyMap<string, readonly string[]>;
}

/**
 * Conversation audiences learnt from accepting messages, kept for a short while so typing indicators,
 * which are frequent and ephemeral, are relayed without asking im-repo each time. Anything older than
 * `maxAgeMs` is asked for again; a stale entry can at worst show or miss one typing indicator.
 */
export class AudienceCache {
  readonly #entries = new Map<string, { audience: Audience; at: number }>();
  readonly #maxAgeMs: number;
  readonly #capacity: number;

  constructor(options: { maxAgeMs?: number; capacity?: number } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 2_000;
    this.#capacity = options.capacity ?? 10_000;
  }

  remember(
    conversationId: string,
    members: readonly string[],
    presence: readonly (readonly [string, readonly string[]])[],
    now = Date.now(),
  ): void {
    this.#entries.delete(conversationId);
    this.#entries.set(conversationId, { audience: { members, presence: new Map(presence) }, at: now });
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get(conversationId: string, now = Date.now()): Audience | undefined {
    const entry = this.#entries.get(conversationId);
    if (entry === undefined) return undefined;
    if (now - entry.at > this.#maxAgeMs) {
      this.#entries.delete(conversationId);
      return undefined;
    }
    return entry.audience;
  }
}
