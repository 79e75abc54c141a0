import { join } from "node:path";
import { parseBotConfig } from "./bot-config.js";
import { checkEligibility, readEligibility } from "./eligibility.js";
import { KnowledgeError, type KnowledgeProblem } from "./errors.js";
import { parseFaq } from "./faq.js";
import { listFiles, readText } from "./files.js";
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
  const faqs: FaqEntry[] = [];
  for (const rel of await listFiles(join(dir, "faq"), ".md")) {
    const file = `faq/${rel}`;
    const entry = parseFaq(file, (await readText(join(dir, file))) ?? "", problems);
    if (entry) faqs.push(entry);
  }
  const policies: PolicyDoc[] = [];
  for (const rel of await listFiles(join(dir, "policies"), ".md")) {
    const file = `policies/${rel}`;
    const doc = parsePolicy(file, (await readText(join(dir, file))) ?? "", problems);
    if (doc) policies.push(doc);
  }
  const optional = async (file: string) => readText(join(dir, file));
  const required = async (file: string, fix: string) => {
    const text = await readText(join(dir, file));
    if (text === undefined) problems.push({ file, message: "file is missing", fix });
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
  const botText = await required("bot.yaml", "create knowledge/bot.yaml with the bot's name, greeting and staff contact (see DESIGN.md)");
  const bot = botText === undefined ? undefined : parseBotConfig("bot.yaml", botText, problems);

  if (faqs.length === 0 && problems.length === 0) {
    problems.push({ file: "faq/", message: "no FAQ entries found", fix: "add at least one file faq/<id>.md" });
  }
  crossCheck(faqs, policies, outOfScope, problems);
  const eligibility = await readEligibility(dir, problems);
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
  return text.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
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
    if (other) problems.push({ file: f.file, message: `id "${f.id}" is already used by ${other.file}`, fix: "give every FAQ a unique id (and matching file name)" });
    else byId.set(f.id, f);
  }
  const docs = new Map(policies.map((p) => [p.id, p]));
  for (const f of faqs) {
    if (!f.source) continue;
    const doc = docs.get(f.source.doc);
    if (!doc) {
      problems.push({ file: f.file, message: `source names document "${f.source.doc}", which does not exist`, fix: `use one of: ${[...docs.keys()].join(", ") || "(no documents in policies/)"}` });
    } else if (f.source.article && !doc.articles.some((a) => a.key === f.source!.article)) {
      problems.push({ file: f.file, message: `source names article "${f.source.article}", which is not in ${doc.file}`, fix: `use a heading key of that document, e.g. ${doc.articles.slice(0, 3).map((a) => a.key).join(", ")}` });
    }
  }
  // A phrasing that points to two entries makes the answer depend on luck.
  const owner = new Map<string, FaqEntry>();
  for (const f of faqs) {
    for (const phrasing of [f.question, ...f.alternates]) {
      const key = phrasingKey(phrasing);
      const prev = owner.get(key);
      if (prev && prev !== f) {
        problems.push({ file: f.file, message: `"${phrasing}" is also a question or alternate of ${prev.id} (${prev.file})`, fix: "keep each phrasing in one entry only" });
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
      problems.push({ file: OUT_OF_SCOPE_FILE, line: example.line, message: `"${example.text}" is also a question or alternate of ${entry.id} (${entry.file})`, fix: "remove it from out-of-scope.md if the FAQ answers it, or from the FAQ if it does not" });
    } else if (earlier !== undefined) {
      problems.push({ file: OUT_OF_SCOPE_FILE, line: example.line, message: `"${example.text}" is already listed on line ${earlier}`, fix: "keep each example once" });
    } else seen.set(key, example.line);
  }
}
