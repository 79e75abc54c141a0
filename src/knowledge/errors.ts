/** A message and what to do about it, in one language. */
export interface Wording {
  message: string;
  fix: string;
}

/** The same text in English (CLI, operators) and Chinese (staff console, bureau staff). */
export interface Bilingual {
  en: string;
  zh: string;
}

/**
 * One thing wrong with the knowledge base, phrased for the person who edits the files: `message`
 * and `fix` in English for the CLI (`kb check`, `start`), `zh` in Chinese for the staff console.
 * File paths, ids, field names and file syntax (`---`, `## `, `- `) stay verbatim in both.
 */
export interface KnowledgeProblem {
  /** Path relative to the knowledge directory. */
  file: string;
  line?: number;
  message: string;
  /** What to do about it. */
  fix: string;
  /** The same problem for bureau staff, in the staff console's terms. */
  zh: Wording;
}

/** English, for the CLI: `faq/x.md:3: message` and `→ fix` on the next line. */
export function formatProblem(p: KnowledgeProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.message}\n    → ${p.fix}`;
}

/** Chinese, for the staff console: `faq/x.md 第 3 行：说明` and `→ 怎么改` on the next line. */
export function formatProblemZh(p: KnowledgeProblem): string {
  const where = p.line ? `${p.file} 第 ${p.line} 行` : p.file;
  return `${where}：${p.zh.message}\n    → ${p.zh.fix}`;
}

/** Raised when the knowledge base cannot be used; carries every problem found, not just the first. */
export class KnowledgeError extends Error {
  override readonly name = "KnowledgeError";
  constructor(
    readonly dir: string,
    readonly problems: KnowledgeProblem[],
    options?: { cause?: unknown },
  ) {
    super(`knowledge: ${problems.length} problem(s) in ${dir}\n${problems.map(formatProblem).join("\n")}`, options);
  }
}
