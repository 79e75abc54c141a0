import { cleanText } from "../../search/normalize.js";
import type { Context } from "../context.js";
import type { NextFunction } from "../composer.js";
import { parseSlashCommand } from "./slash-commands.js";

// Zero-width spaces and joiners, BOM, soft hyphen: invisible, but they defeat exact matching.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/** Stage 1: tidy the text once, so later stages compare like with like; note a slash command (`/help`). */
export async function normalise(ctx: Context, next: NextFunction): Promise<void> {
  ctx.text = ctx.message.text.replace(INVISIBLE, "").trim();
  ctx.key = cleanText(ctx.text).replace(/\s+/g, "");
  ctx.command = parseSlashCommand(ctx.text);
  await next();
}
