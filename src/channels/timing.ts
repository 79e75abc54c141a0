/** Small timing helpers shared by the network channels (Telegram, WeChat). */

/** Resolves after `ms` (at once for ms ≤ 0), or as soon as `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Exponential backoff: `first`, 2×, 4× … capped at `max`, for the n-th failure (1-based). */
export function backoff(failures: number, first: number, max: number): number {
  return Math.min(first * 2 ** Math.max(0, failures - 1), max);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
