import { EmbeddedStore } from "./embedded-store.js";
import type { LogStore } from "./store.js";
import type { GroupStatus, LoggedQuestion, QuestionGroup, Similarity } from "./types.js";

// What QuestionLog.open takes, and the store its options name.

export const DEFAULT_MAX_SEND_ATTEMPTS = 5;
export interface CommonOptions {
  /** Compares two normalised questions, 0…1. Default: bigramDice (character-bigram Dice). */
  similarity?: Similarity;
  /** Minimum similarity for a question to join an open group. Default 0.6. */
  groupThreshold?: number;
  /**
   * After this many days an entry loses conversationId, senderId and senderName. Required: it is
   * the bureau's setting (bot.yaml `retentionDays`, whose default lives with bot.yaml), and the
   * log imports nothing that could know it.
   */
  retentionDays: number;
  /** pendingOutbox() stops offering a message after this many failed attempts. Default 5. */
  maxSendAttempts?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The operator's lines: failures of background work (the daily retention run). Default: stderr. */
  report?: (line: string) => void;
}

export type QuestionLogOptions =
  | (CommonOptions & {
      /** Directory holding questions.json, its history folder and its lock. */ dataDir: string;
      /** PostgreSQL connection string (postgres://user:pass@host:port/db): the log lives there instead of dataDir. */ databaseUrl?: string;
      storage?: never;
    })
  | (CommonOptions & { /** A store opened by the caller (MemoryStore in tests, PgStore …). Closed with the log. */ storage: LogStore; dataDir?: never; databaseUrl?: never });

export interface GroupFilter {
  status?: GroupStatus;
  /** Only groups asked at or after this time. */
  since?: Date;
}

export interface GroupWithEntries {
  group: QuestionGroup;
  entries: LoggedQuestion[];
}

/** How long a claimed outbox message is reserved for the claiming process. */
export const DEFAULT_OUTBOX_LEASE_MS = 60_000;

/** The store the options name: PostgreSQL when a database URL is given, else the embedded files in dataDir. */
export async function openStore(options: { dataDir: string; databaseUrl?: string; now?: () => Date }): Promise<LogStore> {
  if (options.databaseUrl !== undefined && options.databaseUrl.trim() !== "") {
    const { PgStore } = await import("./pg-store.js");
    return PgStore.open(options.databaseUrl);
  }
  return EmbeddedStore.open(options.dataDir, options.now ? { now: options.now } : {});
}
