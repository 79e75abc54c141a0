import { readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { isSeq, parseDocument } from "yaml";
import type { ReloadReport } from "../core/live-engine.js";
import { formatProblem, formatProblemZh } from "../knowledge/errors.js";
import { FAQ_ID_PATTERN } from "../knowledge/faq.js";
import { OUT_OF_SCOPE_FILE, phrasingKey } from "../knowledge/load.js";
import type { FaqEntry, KnowledgeBase } from "../knowledge/types.js";
import { formatFaqFile, today } from "../knowledge/write.js";
import type { QuestionGroup } from "../log/types.js";
import { StaffError } from "./errors.js";
import type { SkippedPhrasing } from "./types.js";
import { isMasked, problemsOf, readKnowledge, verify } from "./knowledge-edit.js";
import { withoutExamples } from "./out-of-scope.js";

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
  /**
   * Staff confirmed that wordings listed in out-of-scope.md are answered by this FAQ after all:
   * those examples are removed. Without it such a promote is refused, saying which examples.
   */
  removeOutOfScope?: boolean;
}

export interface PromoteResult {
  faqId: string;
  /** Absolute path of the FAQ file written or edited. */
  file: string;
  created: boolean;
  /** Phrasings added as alternates. */
  alternates: string[];
  /** Group questions not added, and why. */
  skipped: SkippedPhrasing[];
  /** Out-of-scope examples removed because the FAQ now answers them (after confirmation). */
  removedOutOfScope: string[];
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
    throw new StaffError(`say where group ${group.id} goes: --faq-id NEW_ID for a new FAQ, or --to EXISTING_ID to add its questions to an existing one`, {
      staff: `请选择一种方式：在“新建问答”中填写问答编号，或在“作为已有问答的其他问法”中选择已有问答。`,
    });
  }
  const kb = await readKnowledge(knowledgeDir, "promote again");
  return request.to !== undefined ? addToExisting(group, kb, request.to, request) : createFaq(group, kb, request.faqId!, request, now);
}

async function createFaq(group: QuestionGroup, kb: KnowledgeBase, faqId: string, request: PromoteRequest, now: Date): Promise<Written> {
  if (!FAQ_ID_PATTERN.test(faqId))
    throw new StaffError(`FAQ id "${faqId}" may contain only a-z, 0-9 and -; e.g. --faq-id talent-apartment`, { staff: `问答编号“${faqId}”只能由小写字母、数字和 - 组成，例如 talent-apartment。` });
  const existing = kb.faqs.find((f) => f.id === faqId);
  if (existing)
    throw new StaffError(`FAQ "${faqId}" exists already (${existing.file}); choose another id, or add the questions to it with --to ${faqId}`, {
      staff: `问答编号“${faqId}”已被使用（${existing.file}）。请换一个编号，或用“作为已有问答的其他问法”把这些问法加到该问答。`,
    });
  // A file of that name that does not load is an FAQ with that id waiting for a fix, not a free id.
  refuseBrokenFaqFile(kb, faqId);
  const rel = `faq/${faqId}.md`;
  const file = join(kb.dir, rel);
  if (existsSync(file)) throw new StaffError(`${file} exists already; choose another id`, { staff: `文件 ${rel} 已存在，请换一个问答编号。` });

  const answer = (request.answer ?? group.reply?.text ?? "").trim();
  if (!answer)
    throw new StaffError(`group ${group.id} has no staff reply to use as the answer; give one with --answer "…" or --answer-file FILE`, {
      staff: `问题组 ${group.id} 还没有答复可作答案，请在“答案”中填写。`,
    });
  const question = (request.question ?? group.representative).trim();
  if (isMasked(question))
    throw new StaffError(`the question "${question}" contains masked personal data; give a clean wording with --question "…"`, {
      staff: `标准问题“${question}”含有被遮盖的个人信息，请在“标准问题”中改写成不含个人信息的问法。`,
    });
  const owner = ownerOf(kb.faqs, question);
  if (owner)
    throw new StaffError(`"${question}" is already a question of FAQ "${owner.id}" (${owner.file}); use --to ${owner.id}, or give another wording with --question`, {
      staff: `“${question}”已经是问答“${owner.id}”的问法（${owner.file}）。请改用“作为已有问答的其他问法”选择 ${owner.id}，或在“标准问题”中换一种说法。`,
    });

  const { alternates, skipped } = pickAlternates(group, kb.faqs, [question]);
  const clash = await outOfScopeClash(kb, [question, ...alternates], request);
  const entry: Omit<FaqEntry, "file"> = { id: faqId, question, alternates, tags: [], answer, updated: today(now), sample: false };
  await writeFile(file, formatFaqFile(entry), { encoding: "utf8", flag: "wx" });
  await clash.remove();
  await verify(kb, clash.removed.length > 0 ? [rel, OUT_OF_SCOPE_FILE] : rel, async () => {
    await rm(file, { force: true });
    await clash.undo();
  });
  return { faqId, file, created: true, alternates, skipped, removedOutOfScope: clash.removed };
}

async function addToExisting(group: QuestionGroup, kb: KnowledgeBase, faqId: string, request: PromoteRequest): Promise<Written> {
  // The FAQ's own file has a problem (it may even be missing for it): that file is fixed first.
  refuseBrokenFaqFile(kb, faqId);
  const target = kb.faqs.find((f) => f.id === faqId);
  if (!target)
    throw new StaffError(`there is no FAQ "${faqId}" in ${kb.dir}; check the id (it is the file name without .md), or create a new FAQ with --faq-id`, {
      staff: `没有编号为“${faqId}”的问答，可能刚被删除；请刷新页面后在“已有问答”中重新选择，或用“新建问答”。`,
    });
  const file = join(kb.dir, target.file);
  const original = await readFile(file, "utf8");
  const { alternates, skipped } = pickAlternates(group, kb.faqs, []);
  const clash = await outOfScopeClash(kb, alternates, request);
  if (alternates.length > 0) {
    await writeFile(file, withAlternates(original, alternates, target.file), "utf8");
    await clash.remove();
    await verify(kb, clash.removed.length > 0 ? [target.file, OUT_OF_SCOPE_FILE] : target.file, async () => {
      await writeFile(file, original, "utf8");
      await clash.undo();
    });
  }
  return { faqId, file, created: false, alternates, skipped, removedOutOfScope: clash.removed };
}

/**
 * The FAQ's new phrasings that out-of-scope.md lists as questions no FAQ answers: the two would
 * contradict each other (kb check refuses it). Staff decide: refused with the list unless
 * `removeOutOfScope` confirms, then `remove()` takes them out of the file (`undo()` puts it back).
 */
async function outOfScopeClash(kb: KnowledgeBase, phrasings: readonly string[], request: PromoteRequest) {
  const keys = new Set(phrasings.map(phrasingKey));
  const clashes = kb.outOfScope.flatMap((g) => g.examples.filter((x) => keys.has(phrasingKey(x.text))).map((x) => ({ ...x, subject: g.subject })));
  const file = join(kb.dir, OUT_OF_SCOPE_FILE);
  if (clashes.length === 0) return { removed: [], remove: async () => {}, undo: async () => {} };
  if (!request.removeOutOfScope) {
    const cli = clashes.map((x) => `  ${OUT_OF_SCOPE_FILE}:${x.line}  ## ${x.subject}  - ${x.text}`).join("\n");
    const staff = clashes.map((x) => `“${x.text}”（主题“${x.subject}”，第 ${x.line} 行）`).join("、");
    throw new StaffError(
      `these wordings are listed in ${OUT_OF_SCOPE_FILE} as questions no FAQ answers:\n${cli}\nIf the FAQ answers them now, run the promote again with --remove-out-of-scope to remove them from ${OUT_OF_SCOPE_FILE}.`,
      {
        staff: `${staff} 在 ${OUT_OF_SCOPE_FILE} 中列为“不在问答范围”，与这次要加入的问答矛盾。如果这个问答确实回答这些问题，请确认：确认后会把它们从 ${OUT_OF_SCOPE_FILE} 中删除，再加入问答。`,
        needsConfirmation: true,
      },
    );
  }
  const original = await readFile(file, "utf8");
  return {
    removed: clashes.map((x) => x.text),
    remove: () => writeFile(file, withoutExamples(original, new Set(clashes.map((x) => x.line))), "utf8"),
    undo: () => writeFile(file, original, "utf8"),
  };
}

/** The group's wordings that can become alternates: not masked, not already a phrasing of any FAQ, no duplicates. */
function pickAlternates(group: QuestionGroup, faqs: readonly FaqEntry[], taken: readonly string[]) {
  const alternates: string[] = [];
  const skipped: SkippedPhrasing[] = [];
  const seen = new Set(taken.map(phrasingKey));
  for (const raw of [group.representative, ...group.variants]) {
    // One line each: a line break typed into a question would make a multi-line alternate.
    const text = raw.replace(/\s+/g, " ").trim();
    const key = phrasingKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    const owner = ownerOf(faqs, text);
    if (isMasked(text)) skipped.push({ text, why: "contains masked personal data", staffWhy: "含有已遮蔽的个人信息" });
    else if (owner) skipped.push({ text, why: `already a phrasing of FAQ ${owner.id}`, staffWhy: `已是问答 ${owner.id} 的问法` });
    else if (key === "") skipped.push({ text, why: "has no words", staffWhy: "没有可用的字词" });
    else alternates.push(text);
  }
  return { alternates, skipped };
}

/**
 * The FAQ is missing because its own file does not load (a broken edit): say that, with the
 * file and line, rather than that there is no such FAQ (the console still lists it, from the
 * version that keeps answering).
 */
function refuseBrokenFaqFile(kb: KnowledgeBase, faqId: string): void {
  const own = problemsOf(kb).filter((p) => basename(p.file) === `${faqId}.md`);
  if (own.length === 0) return;
  throw new StaffError(`FAQ "${faqId}" cannot be read, so nothing was added:\n${own.map(formatProblem).join("\n")}\nFix the file (talentbot kb check) and promote again.`, {
    staff: `问答“${faqId}”的文件有错误，读不出来，所以这次没有加入；机器人仍按修改前的版本回答。请先按下面的提示改正这个文件，保存后再操作一次：\n${own.map(formatProblemZh).join("\n")}`,
  });
}

/** The front matter with `alternates` extended; comments, order and the answer body untouched. */
function withAlternates(source: string, add: readonly string[], rel: string): string {
  const opening = /^\uFEFF?---\r?\n/.exec(source);
  const rest = opening ? source.slice(opening[0].length) : "";
  const closing = /^---[ \t]*$/m.exec(rest);
  if (!opening || !closing)
    throw new StaffError(`${rel} has no front matter between --- lines; run \`talentbot kb check\` and fix it first`, { staff: `问答文件 ${rel} 开头缺少 --- 之间的设置部分，请先改正该文件。` });
  const doc = parseDocument(rest.slice(0, closing.index));
  if (doc.errors.length > 0) throw new StaffError(`${rel} has invalid YAML; run \`talentbot kb check\` and fix it first`, { staff: `问答文件 ${rel} 的设置部分（YAML）有错误，请先改正该文件。` });
  const list = doc.get("alternates", true);
  if (isSeq(list)) for (const text of add) list.add(doc.createNode(text));
  else doc.set("alternates", doc.createNode([...add]));
  return opening[0] + doc.toString({ lineWidth: 0 }) + rest.slice(closing.index);
}

function ownerOf(faqs: readonly FaqEntry[], text: string): FaqEntry | undefined {
  const key = phrasingKey(text);
  return faqs.find((f) => [f.question, ...f.alternates].some((p) => phrasingKey(p) === key));
}
