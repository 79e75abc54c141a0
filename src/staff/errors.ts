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
