/**
 * Control and invisible characters: removed before anything is stored, escaped when old text is printed.
 */

// C0 controls except tab and line feed, DEL, C1 controls, and every character Unicode calls
// default-ignorable (invisible by definition): the bidirectional marks and overrides that make a
// terminal or page show text in another order than it is stored, zero-width spaces and joiners,
// the soft hyphen, the BOM, fillers, variation selectors, tags — and every other format character
// (\p{Cf}: interlinear annotation marks, Arabic number signs …). Hidden inside a number, any of
// them would also keep it from being recognised as personal data.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** Removes control and invisible characters (ESC, NUL, BEL, CR, bidi overrides, U+200B, U+00AD …); keeps tab and line feed. */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "");
}

/** For printing text that may predate the stripping: each control character shown as `\x1B` / `\u202E`. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    const code = character.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    return code <= 0xffff ? `\\u${code.toString(16).toUpperCase()}` : `\\u{${code.toString(16).toUpperCase()}}`;
  });
}

/** The same for JSON printed to a terminal: JSON.stringify escapes C0 already; the rest get `\uXXXX`, so the output stays valid JSON. */
export function escapeControlCharactersInJson(json: string): string {
  // JSON escapes are UTF-16 units: an astral character (a tag) becomes its two surrogates.
  return json.replace(CONTROL_CHARACTERS, (character) => [...Array(character.length).keys()].map((i) => `\\u${character.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`).join(""));
}
