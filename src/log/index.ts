/** The question log: questions the bot could not answer confidently, for staff. */
export { QuestionLog, DEFAULT_MAX_SEND_ATTEMPTS, DEFAULT_RETENTION_DAYS } from "./question-log.js";
export type { GroupFilter, GroupWithEntries, QuestionLogOptions } from "./question-log.js";
export { QuestionLogError } from "./errors.js";
export { maskPersonalData, isLuhnValid, isValidResidentId } from "./mask.js";
export { bigramDice, DEFAULT_GROUP_THRESHOLD } from "./similarity.js";
export { JsonFileStorage, MemoryStorage, LOG_FILE_NAME } from "./storage.js";
export type { QuestionLogStorage, StorageReadResult } from "./storage.js";
export { toCsv } from "./csv.js";
export type { CsvCell, CsvRow } from "./csv.js";
export type { DayReport, MonthlyReport } from "./report.js";
export * from "./types.js";
