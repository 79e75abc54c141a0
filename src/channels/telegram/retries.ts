import { backoff, describeError, sleep } from "../timing.js";

/** Telegram's error code of a failed API call (telegraf's TelegramError), if it is one. */
export function telegramCode(error: unknown): number | undefined {
  const code = (error as { response?: { error_code?: unknown } } | undefined)?.response?.error_code;
  return typeof code === "number" ? code : undefined;
}

export function retryAfterSeconds(error: unknown): number | undefined {
  if (telegramCode(error) !== 429) return undefined;
  const after = (error as { response?: { parameters?: { retry_after?: unknown } } }).response?.parameters?.retry_after;
  return typeof after === "number" && after >= 0 ? after : 1;
}

/** A fault worth trying again: the network, or Telegram's side (5xx). Not: a refused request (4xx). */
export function isTransient(error: unknown): boolean {
  const code = telegramCode(error);
  if (code !== undefined) return code >= 500;
  const name = (error as { name?: unknown } | undefined)?.name;
  const errno = (error as { code?: unknown } | undefined)?.code;
  return name === "FetchError" || (typeof errno === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(errno));
}

export function isAuthProblem(error: unknown): boolean {
  const code = telegramCode(error);
  return code === 401 || code === 404;
}

export interface RetryOptions {
  /** Tries per API call (first try included). */
  attempts: number;
  /** Wait after the first failure, doubled after each further one, up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** A 429 asking to wait longer than this is not retried. */
  maxRetryAfterMs: number;
  /** Stops waiting (and trying) when it aborts. */
  signal: AbortSignal;
  report: (line: string) => void;
}

/**
 * One API call, tried again after network faults and 5xx (growing backoff) and after 429
 * (Telegram's retry_after). Refusals (400 bad request, 403 blocked by the user) fail at once.
 */
export async function withRetries<T>(what: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const after = retryAfterSeconds(error);
      const tooLong = after !== undefined && after * 1000 > options.maxRetryAfterMs;
      if (attempt >= attempts || tooLong || (after === undefined && !isTransient(error)) || options.signal.aborted) {
        if (attempt > 1 || tooLong) options.report(`${what} failed for good after ${attempt} attempt(s): ${describeError(error)}`);
        throw error;
      }
      const wait = after !== undefined ? after * 1000 : backoff(attempt, options.retryDelayMs, options.maxRetryDelayMs);
      options.report(`${what} failed (${describeError(error)}); retry ${attempt}/${attempts - 1} in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait, options.signal);
    }
  }
}
