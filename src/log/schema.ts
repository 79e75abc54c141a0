import { SCHEMA_VERSION, type DayCounters, type LogData } from "./types.js";

export function emptyLogData(): LogData {
  return {
    schemaVersion: SCHEMA_VERSION,
    entries: [],
    groups: [],
    outbox: [],
    counters: {},
    nextId: { entry: 1, group: 1, message: 1 },
  };
}

export function emptyDayCounters(): DayCounters {
  return {
    questions: 0,
    answered: 0,
    suggested: 0,
    excerpt: 0,
    unanswered: 0,
    smalltalk: 0,
    human: 0,
    unhelpful: 0,
    faqHits: {},
  };
}

/**
 * Checks the parsed file enough to be sure the log can work with it.
 * Returns why it is unusable, or null when it is fine. Deliberately checks
 * the top-level structure and ids only: a file with these right was written
 * by this module.
 */
export function findSchemaProblem(value: unknown): string | null {
  if (!isRecord(value)) return "the file does not hold a JSON object";
  const version = value["schemaVersion"];
  if (version === undefined) return "schemaVersion is missing";
  if (typeof version !== "number") return "schemaVersion is not a number";
  if (version > SCHEMA_VERSION) {
    return `schemaVersion ${version} was written by a newer talentbot (this one reads ${SCHEMA_VERSION})`;
  }
  if (version !== SCHEMA_VERSION) return `schemaVersion ${version} is not supported (expected ${SCHEMA_VERSION})`;
  for (const list of ["entries", "groups", "outbox"] as const) {
    const items = value[list];
    if (!Array.isArray(items)) return `"${list}" is not a list`;
    if (!items.every((item) => isRecord(item) && typeof item["id"] === "string")) {
      return `"${list}" holds an item without an id`;
    }
  }
  if (!isRecord(value["counters"])) return `"counters" is not an object`;
  const nextId = value["nextId"];
  if (!isRecord(nextId) || !["entry", "group", "message"].every((key) => Number.isInteger(nextId[key]))) {
    return `"nextId" is not { entry, group, message }`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
