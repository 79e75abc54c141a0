import type { Bilingual, KnowledgeProblem } from "./errors.js";
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

  problem(key: string, message: Bilingual, fix: Bilingual, index?: number): void {
    const line = this.lineOf(key, index) ?? this.lineOf(key);
    const p: KnowledgeProblem = { file: this.file, message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } };
    if (line !== undefined) p.line = line;
    this.problems.push(p);
  }

  schemaVersion(): void {
    const v = this.data["schemaVersion"];
    if (v === undefined) {
      this.problem(
        "schemaVersion",
        { en: "missing `schemaVersion`", zh: "缺少 `schemaVersion`" },
        {
          en: `add the line \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\``,
          zh: this.file.endsWith(".md") ? `在开头两个 \`---\` 之间加一行 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`` : `在文件第一行加上 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\``,
        },
      );
    } else if (v !== KNOWLEDGE_SCHEMA_VERSION) {
      this.problem(
        "schemaVersion",
        {
          en: `schemaVersion ${String(v)} is not supported (this talentbot reads ${KNOWLEDGE_SCHEMA_VERSION})`,
          zh: `\`schemaVersion\` 写的是 ${String(v)}，本系统只能读取版本 ${KNOWLEDGE_SCHEMA_VERSION}`,
        },
        { en: "convert the file or use a matching talentbot version", zh: `改回 \`schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`；如果文件确实是新版本的格式，请系统管理员转换文件或更新机器人程序` },
      );
    }
  }

  string(key: string, required: true, fix: Bilingual): string;
  string(key: string, required: false, fix: Bilingual): string | undefined;
  string(key: string, required: boolean, fix: Bilingual): string | undefined {
    const v = this.data[key];
    if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
      if (required) this.problem(key, { en: `missing \`${key}\``, zh: `缺少 \`${key}\`，或者它是空的` }, fix);
      return required ? "" : undefined;
    }
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === "number") return String(v);
    if (typeof v !== "string") {
      this.problem(key, { en: `\`${key}\` must be text`, zh: `\`${key}\` 应该是一段文字` }, fix);
      return required ? "" : undefined;
    }
    return v.trim();
  }

  strings(key: string, fix: Bilingual): string[] {
    const v = this.data[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(key, { en: `\`${key}\` must be a list`, zh: `\`${key}\` 应该是列表` }, fix);
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === "string" && item.trim() !== "") out.push(item.trim());
      else if (typeof item === "number") out.push(String(item));
      else this.problem(key, { en: `item ${i + 1} of \`${key}\` is empty or not text`, zh: `\`${key}\` 的第 ${i + 1} 项是空的或不是文字` }, fix, i);
    });
    return out;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.data[key];
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") {
      this.problem(
        key,
        { en: `\`${key}\` must be true or false`, zh: `\`${key}\` 只能写 \`true\` 或 \`false\`` },
        { en: `write \`${key}: true\` or \`${key}: false\``, zh: `写成 \`${key}: true\` 或 \`${key}: false\`` },
      );
      return fallback;
    }
    return v;
  }

  number(key: string, fallback: number): number {
    const v = this.data[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      this.problem(
        key,
        { en: `\`${key}\` must be a non-negative number`, zh: `\`${key}\` 应该是不小于 0 的数字` },
        { en: `write e.g. \`${key}: ${fallback}\``, zh: `写成数字，例如 \`${key}: ${fallback}\`` },
      );
      return fallback;
    }
    return v;
  }

  record(key: string): Record<string, unknown> | undefined {
    const v = this.data[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.problem(
        key,
        { en: `\`${key}\` must be a set of fields`, zh: `\`${key}\` 下面应该是几项字段` },
        { en: `indent its fields under \`${key}:\``, zh: `把各项字段写在 \`${key}:\` 下面，每行前面空两格` },
      );
      return undefined;
    }
    return v as Record<string, unknown>;
  }
}

export function readerFor(file: string, fm: FrontMatterFile, problems: KnowledgeProblem[]): FieldReader {
  return new FieldReader(file, fm.data, problems, fm.lineOf);
}
