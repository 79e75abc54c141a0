import { basename } from "node:path";
import { parseBotConfig } from "./bot-config.js";
import { checkEligibility, readEligibility } from "./eligibility.js";
import { KnowledgeError, type Bilingual, type KnowledgeProblem } from "./errors.js";
import { parseFaq } from "./faq.js";
import { KnowledgeFiles } from "./files.js";
import { parsePolicy } from "./policy.js";
import { parseOutOfScope } from "./out-of-scope.js";
import { parseSmalltalk } from "./smalltalk.js";
import { parseDictionary, parseSynonyms } from "./text-files.js";
import type { FaqEntry, KnowledgeBase, OutOfScopeGroup, PolicyDoc } from "./types.js";

export interface KnowledgeCheck {
  kb: KnowledgeBase | undefined;
  problems: KnowledgeProblem[];
}

/** Loads and validates every knowledge file; collects all problems instead of stopping at the first. */
export async function checkKnowledge(dir: string): Promise<KnowledgeCheck> {
  const problems: KnowledgeProblem[] = [];
  const files = new KnowledgeFiles(dir, problems);
  const faqs: FaqEntry[] = [];
  for (const rel of await files.list("faq", ".md")) {
    const file = `faq/${rel}`;
    const entry = parseFaq(file, (await files.read(file)) ?? "", problems);
    if (entry) faqs.push(entry);
  }
  const policies: PolicyDoc[] = [];
  for (const rel of await files.list("policies", ".md")) {
    const file = `policies/${rel}`;
    const doc = parsePolicy(file, (await files.read(file)) ?? "", problems);
    if (doc) policies.push(doc);
  }
  const optional = async (file: string) => files.read(file);
  const required = async (file: string, fix: Bilingual) => {
    const before = problems.length;
    const text = await files.read(file);
    if (text === undefined && problems.length === before) problems.push({ file, message: "file is missing", fix: fix.en, zh: { message: "缺少这个文件", fix: fix.zh } });
    return text;
  };

  const synonymsText = await optional("synonyms.txt");
  const synonyms = synonymsText === undefined ? [] : parseSynonyms("synonyms.txt", synonymsText, problems);
  const dictText = await optional("dict.txt");
  const dictionary = dictText === undefined ? [] : parseDictionary("dict.txt", dictText, problems);
  const smalltalkText = await optional("smalltalk.md");
  const smalltalk = smalltalkText === undefined ? [] : parseSmalltalk("smalltalk.md", smalltalkText, problems);
  const outOfScopeText = await optional(OUT_OF_SCOPE_FILE);
  const outOfScope = outOfScopeText === undefined ? [] : parseOutOfScope(OUT_OF_SCOPE_FILE, outOfScopeText, problems);
  const botText = await required("bot.yaml", {
    en: "create knowledge/bot.yaml with the bot's name, greeting and staff contact (see DESIGN.md)",
    zh: "新建 `knowledge/bot.yaml`，写上机器人名称、欢迎语和工作人员联系方式（见 DESIGN.md）",
  });
  const bot = botText === undefined ? undefined : parseBotConfig("bot.yaml", botText, problems);

  if (faqs.length === 0 && problems.length === 0) {
    problems.push({ file: "faq/", message: "no FAQ entries found", fix: "add at least one file faq/<id>.md", zh: { message: "一个问答也没有", fix: "至少添加一个问答文件 `faq/<问答编号>.md`" } });
  }
  crossCheck(faqs, policies, outOfScope, problems);
  const eligibility = await readEligibility(files, problems);
  if (eligibility) checkEligibility(eligibility, policies, phrasingOwners(faqs), phrasingKey, problems);
  if (!bot) return { kb: undefined, problems };
  return { kb: { dir, faqs, policies, synonyms, dictionary, smalltalk, outOfScope, bot, ...(eligibility ? { eligibility } : {}) }, problems };
}

/** Loads the knowledge base or throws a KnowledgeError listing every problem. */
export async function loadKnowledge(dir: string): Promise<KnowledgeBase> {
  const { kb, problems } = await checkKnowledge(dir);
  if (!kb || problems.length > 0) throw new KnowledgeError(dir, problems);
  return kb;
}

/** Comparison key for phrasings: case, width, spacing and punctuation do not make a new phrasing. */
export function phrasingKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "");
}

function phrasingOwners(faqs: readonly FaqEntry[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const f of faqs) for (const p of [f.question, ...f.alternates]) owners.set(phrasingKey(p), f.id);
  return owners;
}

/** Questions no FAQ answers, relative to the knowledge directory (see DESIGN.md "Out-of-scope examples"). */
export const OUT_OF_SCOPE_FILE = "out-of-scope.md";

function crossCheck(faqs: FaqEntry[], policies: PolicyDoc[], outOfScope: OutOfScopeGroup[], problems: KnowledgeProblem[]): void {
  const byId = new Map<string, FaqEntry>();
  for (const f of faqs) {
    const other = byId.get(f.id);
    if (other) {
      problems.push({
        file: f.file,
        message: `id "${f.id}" is already used by ${other.file}`,
        fix: "give every FAQ a unique id (and matching file name)",
        zh: { message: `问答编号 \`${f.id}\` 已经被 ${other.file} 使用`, fix: "每个问答的编号都要不同，文件名与编号保持一致" },
      });
    } else byId.set(f.id, f);
  }
  const docs = new Map(policies.map((p) => [p.id, p]));
  // A policy file that has a problem of its own (does not load, is a folder …): that problem says what to fix,
  // not one more per FAQ citing it.
  const brokenDocs = new Set(problems.filter((p) => /^policies\/.+\.md$/.test(p.file)).map((p) => basename(p.file, ".md")));
  for (const f of faqs) {
    if (!f.source) continue;
    const doc = docs.get(f.source.doc);
    if (!doc && brokenDocs.has(f.source.doc)) continue;
    if (!doc) {
      const ids = [...docs.keys()];
      problems.push({
        file: f.file,
        message: `source names document "${f.source.doc}", which does not exist`,
        fix: `use one of: ${ids.join(", ") || "(no documents in policies/)"}`,
        zh: {
          message: `依据 \`source\` 写的政策文件 \`${f.source.doc}\` 不存在`,
          fix: ids.length > 0 ? `\`doc:\` 改用下列编号之一：${ids.map((id) => `\`${id}\``).join("、")}` : "`policies/` 下还没有政策文件：先添加政策文件，或删掉 `source`",
        },
      });
    } else if (f.source.article && !doc.articles.some((a) => a.key === f.source!.article)) {
      const keys = doc.articles.slice(0, 3).map((a) => a.key);
      problems.push({
        file: f.file,
        message: `source names article "${f.source.article}", which is not in ${doc.file}`,
        fix: `use a heading key of that document, e.g. ${keys.join(", ")}`,
        zh: { message: `依据 \`source\` 写的条款“${f.source.article}”不在 ${doc.file} 里`, fix: `\`article:\` 改用该文件中的条款标题，例如${keys.map((k) => `“${k}”`).join("、")}` },
      });
    }
  }
  // A phrasing that points to two entries makes the answer depend on luck.
  const owner = new Map<string, FaqEntry>();
  for (const f of faqs) {
    for (const phrasing of [f.question, ...f.alternates]) {
      const key = phrasingKey(phrasing);
      const prev = owner.get(key);
      if (prev && prev !== f) {
        problems.push({
          file: f.file,
          message: `"${phrasing}" is also a question or alternate of ${prev.id} (${prev.file})`,
          fix: "keep each phrasing in one entry only",
          zh: { message: `“${phrasing}”也是问答 \`${prev.id}\`（${prev.file}）的标准问题或其他问法`, fix: "同一个问法只能放在一个问答里，删掉其中一处" },
        });
      } else owner.set(key, f);
    }
  }
  // An example cannot be both a question the FAQ answers and one it does not.
  const seen = new Map<string, number>();
  for (const example of outOfScope.flatMap((g) => g.examples)) {
    const key = phrasingKey(example.text);
    const entry = owner.get(key);
    const earlier = seen.get(key);
    if (entry) {
      problems.push({
        file: OUT_OF_SCOPE_FILE,
        line: example.line,
        message: `"${example.text}" is also a question or alternate of ${entry.id} (${entry.file})`,
        fix: "remove it from out-of-scope.md if the FAQ answers it, or from the FAQ if it does not",
        zh: {
          message: `“${example.text}”既列为不在问答范围的例子，又是问答 \`${entry.id}\`（${entry.file}）的标准问题或其他问法`,
          fix: `这个问答能回答它，就从 ${OUT_OF_SCOPE_FILE} 删掉这一行；不能回答，就从问答里删掉这个问法`,
        },
      });
    } else if (earlier !== undefined) {
      problems.push({
        file: OUT_OF_SCOPE_FILE,
        line: example.line,
        message: `"${example.text}" is already listed on line ${earlier}`,
        fix: "keep each example once",
        zh: { message: `“${example.text}”在第 ${earlier} 行已经列过`, fix: "同一个例子只保留一处，删掉这一行" },
      });
    } else seen.set(key, example.line);
  }
}
