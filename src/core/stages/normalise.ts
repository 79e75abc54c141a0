import { withoutControlCharacters } from "../../log/mask.js";
import { cleanText } from "../../search/normalize.js";
import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import { parseSlashCommand } from "./slash-commands.js";

/** Stage 1: tidy the text once, so later stages compare like with like; note a slash command (`/help`). */
export async function normalise(ctx: Context, next: NextFunction): Promise<void> {
  // Invisible and control characters (U+200B, soft hyphen, ESC …) defeat exact matching; the same set the log strips.
  ctx.text = withoutControlCharacters(ctx.message.text).trim();
  ctx.key = cleanText(ctx.text).replace(/\s+/g, "");
  ctx.command = parseSlashCommand(ctx.text);
  await next();
}
