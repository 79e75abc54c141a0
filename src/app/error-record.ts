import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import type { BotError } from "../core/bot.js";

/** `<dataDir>/errors.jsonl`: one JSON object per message the bot failed to handle. */
export const ERROR_FILE_NAME = "errors.jsonl";

/**
 * Appends the error record: time, channel, conversation, the user's text (masked), the error
 * and its cause with stack. For developers; users saw only "系统繁忙，请稍后再试".
 */
export async function appendErrorRecord(dataDir: string, error: BotError): Promise<string> {
  const file = join(dataDir, ERROR_FILE_NAME);
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message, stack: error.cause.stack } : { message: String(error.cause) };
  const record = {
    at: new Date().toISOString(),
    channel: error.incoming.channel,
    conversationId: error.incoming.conversationId,
    text: error.maskedText,
    error: error.message,
    cause,
  };
  // Holds conversation ids and stacks: readable by the bot's user only, like every data file.
  await appendFile(file, `${JSON.stringify(record)}\n`, { encoding: "utf8", mode: 0o600 });
  return file;
}
