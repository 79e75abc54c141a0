import { readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isSeq, parseDocument } from "yaml";
import type { ReloadReport } from "../core/live-engine.js";
import { FAQ_ID_PATTERN } from "../knowledge/faq.js";
import { phrasingKey } from "../knowledge/load.js";
import type { FaqEntry, KnowledgeBase } from "../knowledge/types.js";
import { formatFaqFile, today } from "../knowledge/write.js";
import type { QuestionGroup } from "../log/types.js";
import { StaffError } from "./errors.js";
import { isMasked, readKnowledge, verify } from "./knowledge-edit.js";

/** Either a new FAQ (`faqId`, with an answer or the group's reply) or more alternates for an existing one (`to`). */
export interface PromoteRequest {
  /** Id of a new FAQ, written to faq/<faqId>.md. */
  faqId?: string;
  /** Id of an existing FAQ that gets the group's questions as alternates. */
  to?: string;
  /** Answer of the new FAQ. Default: the group's staff reply. */
  answer?: string;
  /** Canonical question of the new FAQ. Default: the group's first question. */
  question?: string;
}

export interface PromoteResult {
  faqId: string;
  /** Absolute path of the FAQ file written or edited. */
  file: string;
  created: boolean;
  /** Phrasings added as alternates. */
  alternates: string[];
  /** Group questions not added, and why. */
  skipped: { text: string; why: string }[];
  group: QuestionGroup;
  /** How the running bot took the change; absent when no bot runs. */
  reload?: ReloadReport;
}

type Written = Omit<PromoteResult, "group" | "reload">;

/**
 * Writes the group into the knowledge base: a new file faq/<id>.md (schemaVersion, today's
 * `updated`, `sample: false`, the group's other wordings as alternates), or, with `to`,
 * alternates appended to an existing FAQ's front matter, edited through the YAML document so
 * the staff's comments and layout stay. The knowledge base is checked afterwards; if the
 * change introduced a problem, the file is put back as it was and the problem reported.
 */
export async function promoteGroup(group: QuestionGroup, knowledgeDir: string, request: PromoteRequest, now: Date): Promise<Written> {
  if ((request.faqId === undefined) === (request.to === undefined)) {
    throw new StaffError(`say where group ${group.id} goes: --faq-id NEW_ID for a new FAQ, or --to EXISTING_ID to add its questions to an existing one`);
  }
  const kb = await readKnowledge(knowledgeDir, "promote again");
  return request.to !== undefined ? addToExisting(group, kb, request.to) : createFaq(group, kb, request.faqId!, request, now);
}

async function createFaq(group: QuestionGroup, kb: KnowledgeBase, faqId: string, request: PromoteRequest, now: Date): Promise<Written> {
  if (!FAQ_ID_PATTERN.test(faqId)) throw new StaffError(`FAQ id "${faqId}" may contain only a-z, 0-9 and -; e.g. --faq-id talent-apartment`);
  const existing = kb.faqs.find((f) => f.id === faqId);
  if (existing) throw new StaffError(`FAQ "${faqId}" exists already (${existing.file}); choose another id, or add the questions to it with --to ${faqId}`);
  const rel = `faq/${faqId}.md`;
  const file = join(kb.dir, rel);
  if (existsSync(file)) throw new StaffError(`${file} exists already; choose another id`);

  const answer = (request.answer ?? group.reply?.text ?? "").trim();
  if (!answer) throw new StaffError(`group ${group.id} has no staff reply to use as the answer; give one with --answer "…" or --answer-file FILE`);
  const question = (request.question ?? group.representative).trim();
  if (isMasked(question)) throw new StaffError(`the question "${question}" contains masked personal data; give a clean wording with --question "…"`);
  const owner = ownerOf(kb.faqs, question);
  if (owner) throw new StaffError(`"${question}" is already a question of FAQ "${owner.id}" (${owner.file}); use --to ${owner.id}, or give another wording with --question`);

  const { alternates, skipped } = pickAlternates(group, kb.faqs, [question]);
  const entry: Omit<FaqEntry, "file"> = { id: faqId, question, alternates, tags: [], answer, updated: today(now), sample: false };
  await writeFile(file, formatFaqFile(entry), { encoding: "utf8", flag: "wx" });
  await verify(kb.dir, rel, () => rm(file, { force: true }));
  return { faqId, file, created: true, alternates, skipped };
}

async function addToExisting(group: QuestionGroup, kb: KnowledgeBase, faqId: string): Promise<Written> {
  const target = kb.faqs.find((f) => f.id === faqId);
  if (!target) throw new StaffError(`there is no FAQ "${faqId}" in ${kb.dir}; check the id (it is the file name without .md), or create a new FAQ with --faq-id`);
  const file = join(kb.dir, target.file);
  const original = await readFile(file, "utf8");
  const { alternates, skipped } = pickAlternates(group, kb.faqs, []);
  if (alternates.length > 0) {
    await writeFile(file, withAlternates(original, alternates, target.file), "utf8");
    await verify(kb.dir, target.file, () => writeFile(file, original, "utf8"));
  }
  return { faqId, file, created: false, alternates, skipped };
}

/** The group's wordings that can become alternates: not masked, not already a phrasing of any FAQ, no duplicates. */
function pickAlternates(group: QuestionGroup, faqs: readonly FaqEntry[], taken: readonly string[]) {
  const alternates: string[] = [];
  const skipped: { text: string; why: string }[] = [];
  const seen = new Set(taken.map(phrasingKey));
  for (const text of [group.representative, ...group.variants]) {
    const key = phrasingKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    const owner = ownerOf(faqs, text);
    if (isMasked(text)) skipped.push({ text, why: "contains masked personal data" });
    else if (owner) skipped.push({ text, why: `already a phrasing of FAQ ${owner.id}` });
    else if (key === "") skipped.push({ text, why: "has no words" });
    else alternates.push(text);
  }
  return { alternates, skipped };
}

/** The front matter with `alternates` extended; comments, order and the answer body untouched. */
function withAlternates(source: string, add: readonly string[], rel: string): string {
  const opening = /^\uFEFF?---\r?\n/.exec(source);
  const rest = opening ? source.slice(opening[0].length) : "";
  const closing = /^---[ \t]*$/m.exec(rest);
  if (!opening || !closing) throw new StaffError(`${rel} has no front matter between --- lines; run \`talentbot kb check\` and fix it first`);
  const doc = parseDocument(rest.slice(0, closing.index));
  if (doc.errors.length > 0) throw new StaffError(`${rel} has invalid YAML; run \`talentbot kb check\` and fix it first`);
  const list = doc.get("alternates", true);
  if (isSeq(list)) for (const text of add) list.add(doc.createNode(text));
  else doc.set("alternates", doc.createNode([...add]));
  return opening[0] + doc.toString({ lineWidth: 0 }) + rest.slice(closing.index);
}

function ownerOf(faqs: readonly FaqEntry[], text: string): FaqEntry | undefined {
  const key = phrasingKey(text);
  return faqs.find((f) => [f.question, ...f.alternates].some((p) => phrasingKey(p) === key));
}
