/**
 * The CLI could not hand a staff command to the running bot (it does not answer, it
 * rejected the token, …). The message names the bot's pid and address and what to do.
 */
export class AdminError extends Error {
  override readonly name = "AdminError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
