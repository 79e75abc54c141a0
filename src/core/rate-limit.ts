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
 * Sliding-window limit per sender. Messages over the limit do not count, so a sender is
 * let through again `windowMs` after the oldest message in the window.
 */
export class RateLimiter {
  private readonly senders = new Map<string, { times: number[]; warned: boolean }>();
  private lastSweep = 0;

  constructor(readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT) {}

  check(channel: string, senderId: string, now: number): RateDecision {
    if (this.options.exemptChannels.includes(channel)) return "allow";
    this.sweep(now);
    const key = JSON.stringify([channel, senderId]);
    const sender = this.senders.get(key) ?? { times: [], warned: false };
    this.senders.set(key, sender);
    sender.times = sender.times.filter((t) => now - t < this.options.windowMs);
    if (sender.times.length < this.options.messages) {
      sender.times.push(now);
      sender.warned = false;
      return "allow";
    }
    if (sender.warned) return "drop";
    sender.warned = true;
    return "warn";
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    for (const [key, sender] of this.senders) {
      if (sender.times.every((t) => now - t >= this.options.windowMs)) this.senders.delete(key);
    }
  }
}
