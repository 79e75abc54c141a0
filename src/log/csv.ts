export type CsvCell = string | number | null | undefined;
export type CsvRow = readonly CsvCell[];

/** Byte order mark: without it Excel on Windows reads UTF-8 Chinese as mojibake. */
const UTF8_BOM = "\uFEFF";

/**
 * RFC 4180 CSV: CRLF line ends, fields with a comma, quote or line break
 * wrapped in double quotes with inner quotes doubled. Starts with a UTF-8 BOM.
 *
 * Text cells starting with = + - @ (or a tab/CR) get a leading apostrophe:
 * the questions come from the public and Excel would otherwise run them as
 * formulas (CSV injection). Numbers are written as they are.
 */
export function toCsv(rows: readonly CsvRow[]): string {
  return `${UTF8_BOM}${rows.map((row) => row.map(formatCell).join(",")).join("\r\n")}\r\n`;
}

function formatCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
