import { KnowledgeError, formatProblem, formatProblemZh } from "../knowledge/errors.js";
import { QuestionLogError } from "../log/errors.js";

/**
 * A staff request that cannot be carried out as asked (unknown group, FAQ id taken, no
 * answer given …). Two wordings, each saying what, where and what to do: `message` for the
 * CLI (its flags, for operators), `staffMessage` in Chinese in the staff console's own terms
 * (its fields and buttons), for the console and staff chat commands.
 */
export class StaffError extends Error {
  override readonly name = "StaffError";
  readonly staffMessage: string;
  /** Set when the request may go ahead once staff confirm (see PromoteRequest.removeOutOfScope). */
  readonly needsConfirmation: boolean;
  constructor(message: string, options?: { cause?: unknown; staff?: string; needsConfirmation?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.staffMessage = options?.staff ?? message;
    this.needsConfirmation = options?.needsConfirmation ?? false;
  }
}

/** The answer to a staff request that failed. */
export interface RequestFailure {
  status: number;
  body: { error: string; needsConfirmation?: true };
}

/**
 * The one mapping from a staff request's error to its HTTP answer, for the admin endpoint (read
 * by operators through `talentbot log …`: `message`) and the staff console (read by staff:
 * `staffMessage`, and whether a confirmation lets the request go ahead). A refused request is
 * 400 with what to change; anything else is not the request's fault: undefined (a 500).
 */
export function requestFailure(error: unknown, reader: "operator" | "staff"): RequestFailure | undefined {
  if (error instanceof StaffError) {
    if (reader === "operator") return { status: 400, body: { error: error.message } };
    return { status: 400, body: { error: error.staffMessage, ...(error.needsConfirmation ? { needsConfirmation: true as const } : {}) } };
  }
  if (error instanceof QuestionLogError) return { status: 400, body: { error: error.message } };
  if (error instanceof KnowledgeError) {
    if (reader === "operator") return { status: 400, body: { error: `${error.problems.length} problem(s) in the knowledge base:\n${error.problems.map(formatProblem).join("\n")}` } };
    return { status: 400, body: { error: `知识库有 ${error.problems.length} 个问题：\n${error.problems.map(formatProblemZh).join("\n")}` } };
  }
  return undefined;
}
