import type { KnowledgeProblem } from "./errors.js";
import type { FrontMatterFile } from "./front-matter.js";
import { KNOWLEDGE_SCHEMA_VERSION } from "./types.js";

/** Reads typed fields out of parsed YAML, reporting each wrong one as a problem with its line. */
export class FieldReader {
  constructor(
    private readonly file: string,
    private readonly data: Record<string, unknown>,
    private readonly problems: KnowledgeProblem[],
    private readonly lineOf: (key: string, index?: number) => number | undefined = () => undefined,
  ) {}

  problem(key: string, message: string, fix: string, index?: number): void {
    this.problems.push({ file: this.file, line: this.lineOf(key, index) ?? this.lineOf(key), message, fix });
  }

  schemaVersion(): void {
    const v = this.data["schemaVersion"];
    if (v === undefined) this.problem("schemaVersion", "missing `schemaVersion`", `add the line \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\``);
    else if (v !== KNOWLEDGE_SCHEMA_VERSION) this.problem("schemaVersion", `schemaVersion ${String(v)} is not supported (this talentbot reads ${KNOWLEDGE_SCHEMA_VERSION})`, "convert the file or use a matching talentbot version");
  }

  string(key: string, required: true, fix: string): string;
  string(key: string, required: false, fix: string): string | undefined;
  string(key: string, required: boolean, fix: string): string | undefined {
    const v = this.data[key];
    if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
      if (required) this.problem(key, `missing \`${key}\``, fix);
      return required ? "" : undefined;
    }
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === "number") return String(v);
    if (typeof v !== "string") {
      this.problem(key, `\`${key}\` must be text`, fix);
      return required ? "" : undefined;
    }
    return v.trim();
  }

  strings(key: string, fix: string): string[] {
    const v = this.data[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(key, `\`${key}\` must be a list`, fix);
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === "string" && item.trim() !== "") out.push(item.trim());
      else if (typeof item === "number") out.push(String(item));
      else this.problem(key, `item ${i + 1} of \`${key}\` is empty or not text`, fix, i);
    });
    return out;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.data[key];
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") {
      this.problem(key, `\`${key}\` must be true or false`, `write \`${key}: true\` or \`${key}: false\``);
      return fallback;
    }
    return v;
  }

  number(key: string, fallback: number): number {
    const v = this.data[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      this.problem(key, `\`${key}\` must be a non-negative number`, `write e.g. \`${key}: ${fallback}\``);
      return fallback;
    }
    return v;
  }

  record(key: string): Record<string, unknown> | undefined {
    const v = this.data[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.problem(key, `\`${key}\` must be a set of fields`, `indent its fields under \`${key}:\``);
      return undefined;
    }
    return v as Record<string, unknown>;
  }
}

export function readerFor(file: string, fm: FrontMatterFile, problems: KnowledgeProblem[]): FieldReader {
  return new FieldReader(file, fm.data, problems, fm.lineOf);
}
