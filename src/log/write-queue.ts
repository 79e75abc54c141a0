/**
 * Serialises saves and coalesces them.
 *
 * Callers mutate the in-memory state synchronously, then call `save()`.
 * At most one flush runs at a time (steno must not see overlapping writes
 * of a state that changes under it). Every save() requested while a flush
 * is running joins the single next flush, so a burst of 1,000 saves costs
 * two writes, not 1,000. The promise of save() settles when a flush that
 * started after the call, and so includes the caller's change, has settled.
 */
export class CoalescingWriteQueue {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly flush: () => Promise<void>) {}

  save(): Promise<void> {
    if (this.queued !== null) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const next = previous
      .catch(() => undefined) // a failed flush was reported to its own callers
      .then(() => {
        // From here on, new changes need a later flush: this one may already be serialising.
        this.queued = null;
        this.running = next;
        return this.flush();
      })
      .finally(() => {
        if (this.running === next) this.running = null;
      });
    this.queued = next;
    return next;
  }

  /** Settles when everything requested so far has been flushed (or failed). */
  async idle(): Promise<void> {
    while (this.queued !== null || this.running !== null) {
      await (this.queued ?? this.running)?.catch(() => undefined);
    }
  }
}
