/** The question log: questions the bot could not answer confidently, for staff. */
export { QuestionLog, DEFAULT_MAX_SEND_ATTEMPTS, DEFAULT_OUTBOX_LEASE_MS } from "./question-log.js";
export type { GroupFilter, GroupWithEntries, QuestionLogOptions } from "./question-log.js";
export { QuestionLogError } from "./errors.js";
export { maskPersonalData, isLuhnValid, isValidResidentId } from "./mask.js";
export { bigramDice, DEFAULT_GROUP_THRESHOLD } from "./similarity.js";
export type { LogStore, NewQuestion, GroupingRule, StatusChange, OutboxClaim, OutboxResult } from "./store.js";
export { MemoryStore, InMemoryLogStore } from "./memory-store.js";
export { EmbeddedStore, readEmbeddedLog, LOG_FILE_NAME, HISTORY_DIR_NAME, EMBEDDED_SCHEMA_VERSION } from "./embedded-store.js";
export { toCsv } from "./csv.js";
export type { CsvCell, CsvRow } from "./csv.js";
export type { DayReport, MonthlyReport } from "./report.js";
export * from "./types.js";
