/** One thing wrong with the knowledge base, phrased for the staff member who edits the files. */
export interface KnowledgeProblem {
  /** Path relative to the knowledge directory. */
  file: string;
  line?: number;
  message: string;
  /** What to do about it. */
  fix: string;
}

export function formatProblem(p: KnowledgeProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.message}\n    → ${p.fix}`;
}

/** Raised when the knowledge base cannot be used; carries every problem found, not just the first. */
export class KnowledgeError extends Error {
  override readonly name = "KnowledgeError";
  constructor(
    readonly dir: string,
    readonly problems: KnowledgeProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      `knowledge: ${problems.length} problem(s) in ${dir}\n${problems.map(formatProblem).join("\n")}`,
      options,
    );
  }
}
