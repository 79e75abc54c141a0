import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OUT_OF_SCOPE_FILE, phrasingKey } from "../knowledge/load.js";
import { KNOWLEDGE_SCHEMA_VERSION, type KnowledgeBase } from "../knowledge/types.js";
import type { QuestionGroup } from "../log/types.js";
import { StaffError } from "./errors.js";
import type { SkippedPhrasing } from "./types.js";
import { isMasked, readKnowledge, verify } from "./knowledge-edit.js";

export interface OutOfScopeWrite {
  subject: string;
  /** Absolute path of out-of-scope.md. */
  file: string;
  /** Wordings added as examples. */
  added: string[];
  /** Group questions not added, and why. */
  skipped: SkippedPhrasing[];
}

/**
 * Adds a group's wordings to out-of-scope.md under `## subject` (after the subject's last
 * example, or as a new section at the end; the file is created when missing). Wordings that are
 * masked, already an FAQ phrasing or already an example are skipped. The knowledge base is
 * checked afterwards and the file put back if the change brought a problem.
 */
export async function addGroupToOutOfScope(group: QuestionGroup, knowledgeDir: string, subject: string): Promise<OutOfScopeWrite> {
  const heading = subject.replace(/\s+/g, " ").trim();
  if (heading === "" || heading.startsWith("#"))
    throw new StaffError(`name the subject the FAQ does not cover, e.g. --subject "租房补贴"`, { staff: "请在“主题”中写明问答不涵盖的主题，例如：租房补贴（不要以 # 开头）。" });
  const kb = await readKnowledge(knowledgeDir, "try again");
  const file = join(kb.dir, OUT_OF_SCOPE_FILE);
  const original = await readFile(file, "utf8").catch(() => undefined);
  const { added, skipped } = pickExamples(group, kb);
  // Nothing to write and not already covered: dismissing the group would lose the question for nothing.
  if (added.length === 0 && skipped.some((x) => x.why !== ALREADY_AN_EXAMPLE)) {
    throw new StaffError(
      `none of group ${group.id}'s wordings can be an out-of-scope example (${skipped.map((x) => `"${x.text}": ${x.why}`).join("; ")}); nothing was written and the group stays open (dismiss it instead)`,
      {
        staff: `这个问题组的问法都不能列为“不在问答范围”：${skipped.map((x) => `“${x.text}”——${x.staffWhy}`).join("；")}。没有写入，问题组仍待处理；可以直接“忽略”它，或先答复。`,
      },
    );
  }
  if (added.length > 0) {
    await writeFile(file, withExamples(original ?? NEW_FILE, heading, added), "utf8");
    await verify(kb, OUT_OF_SCOPE_FILE, () => (original === undefined ? rm(file, { force: true }) : writeFile(file, original, "utf8")));
  }
  return { subject: heading, file, added, skipped };
}

const NEW_FILE = `---\nschemaVersion: ${KNOWLEDGE_SCHEMA_VERSION}\n---\n<!-- Questions people ask that no FAQ answers: the bot never answers them from an FAQ; it quotes policy text if it can and records them for staff. -->\n`;

const ALREADY_AN_EXAMPLE = "already an out-of-scope example";

function pickExamples(group: QuestionGroup, kb: KnowledgeBase) {
  const faqKeys = new Map(kb.faqs.flatMap((f) => [f.question, ...f.alternates].map((p): [string, string] => [phrasingKey(p), f.id])));
  const seen = new Set(kb.outOfScope.flatMap((g) => g.examples.map((x) => phrasingKey(x.text))));
  const added: string[] = [];
  const skipped: SkippedPhrasing[] = [];
  const inGroup = new Set<string>();
  for (const raw of [group.representative, ...group.variants]) {
    const text = raw.replace(/\s+/g, " ").trim();
    const key = phrasingKey(text);
    if (inGroup.has(key)) continue; // the representative is one of the variants
    inGroup.add(key);
    const owner = faqKeys.get(key);
    if (isMasked(text)) skipped.push({ text, why: "contains masked personal data", staffWhy: "含有已遮蔽的个人信息" });
    else if (owner) skipped.push({ text, why: `a phrasing of FAQ ${owner}: promote it there instead`, staffWhy: `已是问答 ${owner} 的问法，请用“加入已有问答”` });
    else if (key === "") skipped.push({ text, why: "has no words", staffWhy: "没有可用的字词" });
    else if (seen.has(key)) skipped.push({ text, why: ALREADY_AN_EXAMPLE, staffWhy: "已是不在问答范围的示例" });
    else added.push(text);
  }
  return { added, skipped };
}

/**
 * The file without the example lines `lineNumbers` (1-based, as the parser reports them); a
 * `## subject` left without examples goes too (kb check refuses an empty subject).
 */
export function withoutExamples(source: string, lineNumbers: ReadonlySet<number>): string {
  const kept = source.split(/\r?\n/).filter((_, index) => !lineNumbers.has(index + 1));
  const result: string[] = [];
  for (let i = 0; i < kept.length; i++) {
    const line = kept[i]!;
    if (/^##\s+/.test(line.trim())) {
      let next = i + 1;
      while (next < kept.length && kept[next]!.trim() === "") next++;
      const hasExamples = next < kept.length && kept[next]!.trim().startsWith("- ");
      if (!hasExamples) {
        i = next - 1; // drop the heading and the blank lines after it
        continue;
      }
    }
    result.push(line);
  }
  return result.join("\n");
}

/** The file with the examples under their subject's heading; everything else untouched. */
function withExamples(source: string, heading: string, examples: readonly string[]): string {
  const lines = source.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  const items = examples.map((e) => `- ${e}`);
  const at = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (at < 0) return [...lines, "", `## ${heading}`, ...items, ""].join("\n");
  let end = at + 1;
  while (end < lines.length && !lines[end]!.trim().startsWith("## ")) end++;
  while (end > at + 1 && lines[end - 1]!.trim() === "") end--;
  return [...lines.slice(0, end), ...items, ...lines.slice(end), ""].join("\n");
}
