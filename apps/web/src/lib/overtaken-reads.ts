/**
 * Reads of server state that the user's own changes can overtake. A change shows on screen at once and
 * then goes to the server; a read that was already on its way answers with the state from before the
 * change, and applying it would undo the change on screen (the notifications page reloads its list as it
 * opens, and "Mark all as read" clicked meanwhile came back as still unread). So a read is applied only
 * when no change began while it was on its way; otherwise it is made again once the changes have reached
 * the server.
 */
export class OvertakenReads {
  #changes = 0;
  #inFlight = new Set<Promise<unknown>>();

  /** Sends one change (already shown on screen) to the server. */
  change<T>(send: () => Promise<T>): Promise<T> {
    this.#changes++;
    const sent = send();
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return sent;
  }

  /** Reads and applies, reading again for as long as changes overtake the read. */
  async read<T>(fetch: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    for (;;) {
      const changesBefore = this.#changes;
      const value = await fetch();
      if (changesBefore === this.#changes) {
        apply(value);
        return;
      }
      await Promise.all(this.#inFlight);
    }
  }
}
