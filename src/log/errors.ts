/**
 * The single error class of the question log. Every message starts with
 * "question log:" so it is recognisable in the bot's output, names the file
 * involved and says what the operator can do about it.
 */
export class QuestionLogError extends Error {
  override readonly name = "QuestionLogError";
  /** Node's error code (EACCES, ENOSPC, …) when the failure came from the file system. */
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/** Reads `code` from an unknown thrown value without trusting its type. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code } = error as { code: unknown };
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a file-system failure into a QuestionLogError that tells the operator
 * what went wrong with which path and how to fix it.
 */
export function fileSystemError(action: string, path: string, cause: unknown): QuestionLogError {
  const code = errorCode(cause);
  const advice = adviceFor(code);
  const detail = code ?? errorMessage(cause);
  return new QuestionLogError(`question log: cannot ${action} ${path} (${detail}). ${advice}`, {
    cause,
    ...(code === undefined ? {} : { code }),
  });
}

function adviceFor(code: string | undefined): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "Give the talentbot user write access to that directory, or start with --data-dir pointing at a writable directory.";
    case "EROFS":
      return "That file system is read-only; start with --data-dir pointing at a writable directory.";
    case "ENOSPC":
    case "EDQUOT":
      return "The disk is full; free some space. The bot keeps answering, but questions are not saved until then.";
    case "ENOTDIR":
    case "ENOENT":
    case "EEXIST":
      return "Part of that path is not a directory (or was removed); fix the path or start with another --data-dir.";
    case "EISDIR":
      return "A directory stands where the log file should be; move it away or start with another --data-dir.";
    default:
      return "Check that the data directory exists and is writable, or start with another --data-dir.";
  }
}
