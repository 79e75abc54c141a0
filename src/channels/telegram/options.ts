export interface TelegramChannelOptions {
  token: string;
  /** Bot API address. Default https://api.telegram.org (TELEGRAM_API_ROOT: tests, a self-hosted Bot API server). */
  apiRoot?: string;
  /** Public HTTPS address Telegram posts updates to (TELEGRAM_WEBHOOK_URL); absent: long polling. */
  webhookUrl?: string;
  /** The secret Telegram sends in `x-telegram-bot-api-secret-token`. Default: random, new at every start. */
  webhookSecret?: string;
  /** Telegram user ids whose messages the core treats as staff (/pending, /reply): TELEGRAM_STAFF_IDS. */
  staffIds?: readonly string[];
  /** Seconds a getUpdates call waits for news (long polling). Default 50. */
  pollTimeoutSeconds?: number;
  /**
   * Least time between the starts of two getUpdates calls that returned nothing. Telegram holds
   * an empty poll for `pollTimeoutSeconds`, so this only matters for a Bot API server that answers
   * at once (an emulator): without it the loop would spin. Default 1000 ms.
   */
  minPollIntervalMs?: number;
  /** Tries per API call on network faults, 5xx and 429 (first try included). Default 4. */
  sendAttempts?: number;
  /** Wait after the first failure, doubled after each further one. Default 1000 ms. */
  retryDelayMs?: number;
  /** Longest wait between tries (polling keeps trying for ever at this pace). Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** A 429 asking to wait longer than this is not retried (the send fails). Default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Status lines; default: the running bot's report (stderr). */
  report?: (line: string) => void;
}
