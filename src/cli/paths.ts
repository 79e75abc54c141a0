import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (…/talentbot), from dist/cli or src/cli alike. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Knowledge directory: --knowledge, then TALENTBOT_KNOWLEDGE_DIR, then the shipped sample. */
export function knowledgeDir(flag: string | undefined): string {
  return resolve(flag ?? process.env["TALENTBOT_KNOWLEDGE_DIR"] ?? join(PACKAGE_ROOT, "knowledge"));
}

/** Data directory (question log, admin.json, errors.jsonl): --data-dir, then TALENTBOT_DATA_DIR, then data/ in the current directory. */
export function dataDir(flag: string | undefined): string {
  return resolve(flag ?? process.env["TALENTBOT_DATA_DIR"] ?? "data");
}

/** PostgreSQL connection string for the question log (DATABASE_URL); none: the embedded log in the data directory. */
export function databaseUrl(): string | undefined {
  const url = process.env["DATABASE_URL"]?.trim();
  return url ? url : undefined;
}

/** Whether the knowledge directory was chosen by the user rather than defaulted. */
export function knowledgeDirExplicit(flag: string | undefined): boolean {
  return flag !== undefined || process.env["TALENTBOT_KNOWLEDGE_DIR"] !== undefined;
}
