import { join } from "node:path";
import { SCHEMA_VERSION, type DayCounters, type OutboxMessage, type QuestionGroup } from "./types.js";

// The embedded store's files: their names, shapes and checks (no I/O here).

export const LOG_FILE_NAME = "questions.json";
/** Folder beside questions.json holding the closed history, one month per file. */
export const HISTORY_DIR_NAME = "questions";
export const EMBEDDED_SCHEMA_VERSION = 2;

/**
 * `<dataDir>/questions.json` (schemaVersion 2): a snapshot of the open work
 * only — open groups, undelivered outbox messages, the counters of the newest
 * month, the id sequences. Small whatever the history; rewritten (lowdb's
 * TextFile/steno: temp file + rename) after every staff action and every
 * SNAPSHOT_EVERY questions and counts. Questions and counts in between are
 * appended as lines (the month's entries file, the counts journal) and
 * replayed on open: entries whose id is not below `nextId.entry`, counts
 * whose sequence number is above `countsThrough`.
 */
export interface OpenWorkFile {
  schemaVersion: typeof EMBEDDED_SCHEMA_VERSION;
  groups: QuestionGroup[];
  outbox: OutboxMessage[];
  counters: Record<string, DayCounters>;
  nextId: { entry: number; group: number; message: number };
  /** Counts journal lines up to this sequence number are in `counters`. */
  countsThrough: number;
}

/**
 * `<dataDir>/questions/journal-<n>.jsonl`: one line per counted message since
 * a snapshot, `{"seq":17,"day":"2024-03-01","outcome":"answered","faqId":"…"}`,
 * after a header line `{"schemaVersion":2,"kind":"talentbot counts journal"}`.
 * A new file starts at every snapshot; files the snapshot covers are deleted.
 */
export const JOURNAL_KIND = "talentbot counts journal";
/** Questions and counts between two snapshots of the open work. */
export const SNAPSHOT_EVERY = 1000;

/**
 * `<dataDir>/questions/YYYY-MM.json` (schemaVersion 2): what was closed in
 * that month — groups replied, promoted or dismissed then, delivered outbox
 * messages created then, and the month's counters once a newer month began.
 * Rewritten only when one of those changes (staff work, not messages).
 */
export interface MonthFile {
  schemaVersion: typeof EMBEDDED_SCHEMA_VERSION;
  month: string;
  groups: QuestionGroup[];
  outbox: OutboxMessage[];
  counters: Record<string, DayCounters>;
}

/**
 * `<dataDir>/questions/YYYY-MM.entries.jsonl`: every question asked in that
 * (UTC) month, one JSON object per line after a header line
 * `{"schemaVersion":2,"kind":"talentbot question entries","month":"YYYY-MM"}`.
 * Appended to, never rewritten except by retention (temp file + rename).
 */
export const ENTRIES_KIND = "talentbot question entries";

export const monthOf = (iso: string): string => iso.slice(0, 7);
export const idNumber = (id: string): number => Number.parseInt(id.slice(1), 10) || 0;

/** `<dataDir>/questions/YYYY-MM.json`. */
export const monthFilePath = (historyDir: string, month: string): string => join(historyDir, `${month}.json`);
/** `<dataDir>/questions/YYYY-MM.entries.jsonl`. */
export const entriesFilePath = (historyDir: string, month: string): string => join(historyDir, `${month}.entries.jsonl`);
/** `<dataDir>/questions/journal-<n>.jsonl`. */
export const journalFilePath = (historyDir: string, gen: number): string => join(historyDir, `journal-${gen}.jsonl`);

/** The header line of a month's entries file. */
export const entriesHeader = (month: string): string => JSON.stringify({ schemaVersion: EMBEDDED_SCHEMA_VERSION, kind: ENTRIES_KIND, month });
/** The header line of a counts journal. */
export const journalHeader = (): string => JSON.stringify({ schemaVersion: EMBEDDED_SCHEMA_VERSION, kind: JOURNAL_KIND });

export function emptyOpenWork(): OpenWorkFile {
  return { schemaVersion: EMBEDDED_SCHEMA_VERSION, groups: [], outbox: [], counters: {}, nextId: { entry: 1, group: 1, message: 1 }, countsThrough: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function versionProblem(value: Record<string, unknown>): string | null {
  const version = value["schemaVersion"];
  if (version === undefined) return "schemaVersion is missing";
  if (typeof version !== "number") return "schemaVersion is not a number";
  if (version > EMBEDDED_SCHEMA_VERSION) return `schemaVersion ${version} was written by a newer talentbot (this one reads ${EMBEDDED_SCHEMA_VERSION})`;
  if (version !== EMBEDDED_SCHEMA_VERSION) return `schemaVersion ${version} is not supported (expected ${SCHEMA_VERSION} or ${EMBEDDED_SCHEMA_VERSION})`;
  return null;
}

function listsProblem(value: Record<string, unknown>): string | null {
  for (const list of ["groups", "outbox"] as const) {
    const items = value[list];
    if (!Array.isArray(items)) return `"${list}" is not a list`;
    if (!items.every((item) => isRecord(item) && typeof item["id"] === "string")) return `"${list}" holds an item without an id`;
  }
  if (!isRecord(value["counters"])) return `"counters" is not an object`;
  return null;
}

export function findOpenWorkProblem(value: unknown): string | null {
  if (!isRecord(value)) return "the file does not hold a JSON object";
  const problem = versionProblem(value) ?? listsProblem(value);
  if (problem) return problem;
  const nextId = value["nextId"];
  if (!isRecord(nextId) || !["entry", "group", "message"].every((key) => Number.isInteger(nextId[key]))) return `"nextId" is not { entry, group, message }`;
  if (!Number.isInteger(value["countsThrough"])) return `"countsThrough" is not a number`;
  return null;
}

export function findMonthProblem(value: unknown, month: string): string | null {
  if (!isRecord(value)) return "the file does not hold a JSON object";
  const problem = versionProblem(value) ?? listsProblem(value);
  if (problem) return problem;
  if (value["month"] !== month) return `it says it is month ${String(value["month"])}, not ${month}`;
  return null;
}
