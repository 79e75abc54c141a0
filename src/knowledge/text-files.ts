import type { KnowledgeProblem } from "./errors.js";
import { KNOWLEDGE_SCHEMA_VERSION } from "./types.js";

/**
 * Plain-text knowledge files (synonyms.txt, dict.txt) declare their format on the first line,
 * e.g. `# talentbot synonyms schemaVersion: 1`, so a future format change can be detected.
 */
export function checkHeader(file: string, text: string, kind: string, problems: KnowledgeProblem[]): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0] ?? "";
  const match = /^#\s*talentbot\s+(\S+)\s+schemaVersion:\s*(\d+)\s*$/.exec(header);
  if (!match || match[1] !== kind) {
    const expected = `# talentbot ${kind} schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}`;
    problems.push({
      file,
      line: 1,
      message: `first line must declare the format, found "${header.slice(0, 60)}"`,
      fix: `make line 1 exactly: ${expected}`,
      zh: { message: `第 1 行没有注明文件格式，现在写的是“${header.slice(0, 60)}”`, fix: `把第 1 行原样改成：\`${expected}\`` },
    });
  } else if (Number(match[2]) !== KNOWLEDGE_SCHEMA_VERSION) {
    problems.push({
      file,
      line: 1,
      message: `schemaVersion ${match[2]} is not supported (this talentbot reads ${KNOWLEDGE_SCHEMA_VERSION})`,
      fix: "use a talentbot version that reads this format, or convert the file",
      zh: {
        message: `文件格式版本 ${match[2]} 不受支持，本系统只能读取版本 ${KNOWLEDGE_SCHEMA_VERSION}`,
        fix: `把第 1 行改回 \`# talentbot ${kind} schemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\`；如果文件确实是新版本的格式，请系统管理员转换文件或更新机器人程序`,
      },
    });
  }
  return lines;
}

/** Synonym groups, one per line, canonical word first; a word may belong to one group only. */
export function parseSynonyms(file: string, text: string, problems: KnowledgeProblem[]): string[][] {
  const lines = checkHeader(file, text, "synonyms", problems);
  const groups: string[][] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (i === 0 || line === "" || line.startsWith("#")) return;
    const words = [...new Set(line.split(/\s+/).map((w) => w.toLowerCase()))];
    if (words.length < 2) {
      problems.push({
        file,
        line: i + 1,
        message: `group "${line}" has only one word`,
        fix: "list the canonical word first, then its variants, separated by spaces",
        zh: { message: `同义词组“${line}”只有一个词`, fix: "一行写一组：先写标准说法，再写它的同义说法，词与词之间用空格隔开" },
      });
      return;
    }
    for (const w of words) {
      const earlier = seen.get(w);
      if (earlier !== undefined) {
        problems.push({
          file,
          line: i + 1,
          message: `"${w}" is already in the group on line ${earlier}`,
          fix: "keep each word in one group only (merge the two groups or remove one)",
          zh: { message: `“${w}”已经在第 ${earlier} 行的同义词组里`, fix: "每个词只能放在一组里：把这两组合并，或者删掉其中一处" },
        });
      } else seen.set(w, i + 1);
    }
    groups.push(words);
  });
  return groups;
}

/** jieba user dictionary: `词 频率 [词性]`. Without a frequency jieba silently ignores the line, so we insist. */
export function parseDictionary(file: string, text: string, problems: KnowledgeProblem[]): string[] {
  const lines = checkHeader(file, text, "dict", problems);
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (i === 0 || line === "" || line.startsWith("#")) return;
    const [word, freq, tag, ...extra] = line.split(/\s+/);
    if (!word || !freq || !/^\d+$/.test(freq) || extra.length > 0) {
      problems.push({
        file,
        line: i + 1,
        message: `"${line}" is not "词 频率 [词性]"`,
        fix: "write the word, a whole-number frequency (e.g. 2000) and optionally a part of speech: 人才周 2000 n",
        zh: { message: `“${line}”不是“词 频率 [词性]”的格式`, fix: "依次写词语、整数词频（如 2000），需要时再写词性，用空格隔开，例如 `人才周 2000 n`" },
      });
      return;
    }
    out.push(tag ? `${word} ${freq} ${tag}` : `${word} ${freq}`);
  });
  return out;
}
