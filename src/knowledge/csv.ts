/** A CSV record with the 1-based line it starts on (fields may span lines inside quotes). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override readonly name = "CsvError";
  constructor(
    message: string,
    readonly line: number,
    /** The same in Chinese, for staff. */
    readonly zh: string,
  ) {
    super(message);
  }
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF, a UTF-8 BOM from Excel). */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (inQuotes) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else if (ch === "\r" && src[i + 1] === "\n")
        continue; // Excel writes CRLF inside cells too
      else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === "") {
      inQuotes = true;
      quoteLine = line;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
      fields = [];
      field = "";
      line++;
      start = line;
    } else field += ch;
  }
  if (inQuotes) throw new CsvError("a quoted field is never closed", quoteLine, "有一个以英文双引号开头的单元格没有结束的引号");
  fields.push(field);
  if (fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
  return records;
}

export function toCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
