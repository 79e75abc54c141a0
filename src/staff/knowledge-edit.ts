import { formatProblem, formatProblemZh, type KnowledgeProblem } from "../knowledge/errors.js";
import { checkKnowledge } from "../knowledge/load.js";
import type { KnowledgeBase } from "../knowledge/types.js";
import { StaffError } from "./errors.js";

/** The knowledge base as it is on disk; a staff edit starts only from a readable one. */
export async function readKnowledge(dir: string, retry: string): Promise<KnowledgeBase> {
  let checked: Awaited<ReturnType<typeof checkKnowledge>>;
  try {
    checked = await checkKnowledge(dir);
  } catch (error) {
    // Not a mistake in a file but the files themselves (a folder where a file should be, permissions).
    const why = error instanceof Error ? error.message : String(error);
    throw new StaffError(`the knowledge base ${dir} cannot be read (${why}); fix it and ${retry}.`, {
      cause: error,
      staff: `知识库的文件无法读取（${why}），所以这次没有写入；机器人仍按修改前的版本回答。请联系系统管理员检查知识库文件和权限。`,
    });
  }
  const { kb, problems } = checked;
  // No FAQ folder to write into, or none of its FAQs loads (moved away, emptied, a file in its place): an
  // edit would go live as the whole knowledge base.
  if (!kb || problems.some((p) => p.file === "faq/")) {
    const list = problems.map(formatProblem).join("\n");
    throw new StaffError(`the knowledge base ${dir} cannot be read:\n${list}\nFix it (talentbot kb check) and ${retry}.`, {
      staff: `知识库现在有错误，所以这次没有写入，也没有重新加载；机器人仍按修改前的版本回答。请先按下面的提示改正文件，保存后再操作一次：\n${problems.map(formatProblemZh).join("\n")}`,
    });
  }
  problemsBefore.set(kb, problems);
  return kb;
}

/** The problems a knowledge base read by readKnowledge already had: a staff edit is not blamed for them. */
const problemsBefore = new WeakMap<KnowledgeBase, readonly KnowledgeProblem[]>();
const problemKey = (p: KnowledgeProblem) => `${p.file}|${p.message}`;

/** What was wrong with `kb`'s files when readKnowledge read it (empty for a knowledge base read otherwise). */
export const problemsOf = (kb: KnowledgeBase): readonly KnowledgeProblem[] => problemsBefore.get(kb) ?? [];

/**
 * Checks the knowledge base after writing `rel` (one file or several) into `kb` (as readKnowledge
 * read it); undoes the change if it brought problems of its own — problems there before are not its.
 */
export async function verify(kb: KnowledgeBase, rel: string | readonly string[], undo: () => Promise<unknown>): Promise<void> {
  const { problems } = await checkKnowledge(kb.dir);
  const files = typeof rel === "string" ? [rel] : rel;
  const before = new Set((problemsBefore.get(kb) ?? []).map(problemKey));
  const ours = problems.filter((p) => !before.has(problemKey(p)) && files.some((f) => p.file === f || p.message.includes(f)));
  if (ours.length === 0) return;
  await undo();
  throw new StaffError(`the change to ${files.join(", ")} would break the knowledge base, so it was undone:\n${ours.map(formatProblem).join("\n")}`, {
    staff: `这次修改会让知识库出错，已撤销，文件保持原样：\n${ours.map(formatProblemZh).join("\n")}`,
  });
}

/** maskPersonalData writes runs of "*". */
export const isMasked = (text: string) => /\*{2,}/.test(text);
