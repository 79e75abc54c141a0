import { stringify } from "yaml";
import { KNOWLEDGE_SCHEMA_VERSION, type FaqEntry } from "./types.js";

/** The text of an FAQ file, in the same layout staff write by hand. */
export function formatFaqFile(entry: Omit<FaqEntry, "file">): string {
  const data: Record<string, unknown> = { schemaVersion: KNOWLEDGE_SCHEMA_VERSION, id: entry.id, question: entry.question };
  if (entry.alternates.length > 0) data["alternates"] = entry.alternates;
  if (entry.tags.length > 0) data["tags"] = entry.tags;
  if (entry.audience) data["audience"] = entry.audience;
  if (entry.source) data["source"] = entry.source.article ? { doc: entry.source.doc, article: entry.source.article } : { doc: entry.source.doc };
  if (entry.updated) data["updated"] = entry.updated;
  data["sample"] = entry.sample;
  return `---\n${stringify(data, { lineWidth: 0 })}---\n${entry.answer.trim()}\n`;
}

export const today = (now = new Date()) => now.toISOString().slice(0, 10);
