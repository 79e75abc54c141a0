/** Where CLI commands write; tests pass their own to capture output without a child process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** A mistake in how a command was called: printed as one line with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
