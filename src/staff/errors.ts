/**
 * A staff request that cannot be carried out as asked (unknown group, FAQ id taken, no
 * answer given …). The message says what, where and what to do; the CLI prints it as is.
 */
export class StaffError extends Error {
  override readonly name = "StaffError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
