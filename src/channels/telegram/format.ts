import { escapeHtml } from "../../core/render-text.js";

/** Telegram's limit for one text message. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits text into pieces of at most `limit` UTF-16 units (what Telegram counts), preferring
 * paragraph breaks, then line breaks, then the end of a sentence; never inside a surrogate pair.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    for (const [mark, keep] of [
      ["\n\n", 0],
      ["\n", 0],
      ["。", 1],
      ["；", 1],
      ["，", 1],
      [" ", 0],
    ] as const) {
      const at = window.lastIndexOf(mark);
      if (at >= limit / 2) {
        cut = at + keep;
        break;
      }
    }
    if (cut <= 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair together
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece !== "") pieces.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.trim() !== "" || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/**
 * Text for parse mode HTML: `**bold**` within a line becomes <b>bold</b> (as on the web page),
 * everything else is escaped. The result shows at most as many characters as the input has, so
 * a piece cut to Telegram's limit before this stays within it.
 */
export function toTelegramHtml(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let html = "";
      let last = 0;
      for (const match of line.matchAll(/(?<!\*)\*\*([^*\n]+?)\*\*(?!\*)/g)) {
        html += `${escapeHtml(line.slice(last, match.index))}<b>${escapeHtml(match[1]!)}</b>`;
        last = match.index + match[0].length;
      }
      return html + escapeHtml(line.slice(last));
    })
    .join("\n");
}
