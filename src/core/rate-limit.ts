export interface RateLimitOptions {
  /** Messages allowed per sender within `windowMs`. Default 10. */
  messages: number;
  /** Length of the sliding window. Default 30 000 ms. */
  windowMs: number;
  /** Channels not limited, e.g. the operator's own console. Default ["console"]. */
  exemptChannels: string[];
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { messages: 10, windowMs: 30_000, exemptChannels: ["console"] };

/** allow: handle it; warn: over the limit, say so once; drop: over the limit and already told. */
export type RateDecision = "allow" | "warn" | "drop";

/**
 * Sliding-window limit per sender (a WindowCounter keyed by channel and sender). Messages over
 * the limit do not count, so a sender is let through again `windowMs` after the oldest message
 * in the window; the first message over the limit gets a warning, the rest are dropped.
 */
export class RateLimiter {
  private readonly counter: WindowCounter;
  private readonly warned = new Set<string>();
  private lastSweep = 0;

  constructor(readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT) {
    this.counter = new WindowCounter({ limit: options.messages, windowMs: options.windowMs });
  }

  check(channel: string, senderId: string, now: number): RateDecision {
    if (this.options.exemptChannels.includes(channel)) return "allow";
    this.sweep(now);
    const key = JSON.stringify([channel, senderId]);
    if (this.counter.take(key, now)) {
      this.warned.delete(key);
      return "allow";
    }
    if (this.warned.has(key)) return "drop";
    this.warned.add(key);
    return "warn";
  }

  /** A sender whose window emptied starts afresh (warned again when over the limit again). */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    for (const key of this.warned) if (!this.counter.blocked(key, now)) this.warned.delete(key);
  }
}

export interface WindowLimit {
  /** Events allowed per key within `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * Sliding-window counter per key (a client address). `take` counts an event and says whether it
 * is within the limit; `blocked` only looks. Keys without recent events are swept.
 */
export class WindowCounter {
  private readonly events = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(readonly options: WindowLimit) {}

  /** Counts one event for `key`; false (and not counted) when the key is over its limit. */
  take(key: string, now = Date.now()): boolean {
    const times = this.recent(key, now);
    if (times.length >= this.options.limit) return false;
    times.push(now);
    this.events.set(key, times);
    return true;
  }

  blocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.options.limit;
  }

  /** Seconds until `key` may act again (at least 1). */
  retryAfter(key: string, now = Date.now()): number {
    const oldest = this.recent(key, now)[0];
    return oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000));
  }

  forget(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string, now: number): number[] {
    this.sweep(now);
    const times = (this.events.get(key) ?? []).filter((t) => now - t < this.options.windowMs);
    if (times.length === 0) this.events.delete(key);
    else this.events.set(key, times);
    return times;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.events) if (times.every((t) => now - t >= this.options.windowMs)) this.events.delete(key);
  }
}
