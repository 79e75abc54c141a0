import type { KnowledgeProblem } from "./errors.js";
import { readFrontMatter } from "./front-matter.js";
import { readerFor } from "./fields.js";
import type { OutOfScopeGroup } from "./types.js";

/**
 * `out-of-scope.md`: one `## subject` section per subject the FAQ does not cover, example
 * questions as `- ` lines. They are negative examples: a question like one of them is not
 * answered from an FAQ, however many words it shares with one.
 */
export function parseOutOfScope(file: string, source: string, problems: KnowledgeProblem[]): OutOfScopeGroup[] {
  const fm = readFrontMatter(file, source, problems);
  if (!fm) return [];
  readerFor(file, fm, problems).schemaVersion();
  const groups: (OutOfScopeGroup & { line: number })[] = [];
  let current: (OutOfScopeGroup & { line: number }) | undefined;
  let inComment = false;
  fm.body.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = fm.bodyLine + i;
    // HTML comments (the file's own explanation) may span lines.
    if (inComment || line.startsWith("<!--")) {
      inComment = !line.includes("-->");
      return;
    }
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      current = { subject: heading[1]!, examples: [], line: lineNo };
      groups.push(current);
    } else if (line.startsWith("- ")) {
      const text = line.slice(2).trim();
      if (!current) {
        problems.push({
          file,
          line: lineNo,
          message: `"${text}" comes before any subject heading`,
          fix: "put a `## subject` heading above the example questions",
          zh: { message: `“${text}”写在了所有主题标题的前面`, fix: "在示例问题上面加一行主题标题，例如 `## 租房补贴`" },
        });
      } else if (text) current.examples.push({ text, line: lineNo });
    } else if (line !== "") {
      problems.push({
        file,
        line: lineNo,
        message: `"${line.slice(0, 40)}" is neither a \`## subject\` heading nor a \`- question\` line`,
        fix: "write one example question per line, starting with `- `",
        zh: { message: `“${line.slice(0, 40)}”既不是主题标题（以 \`## \` 开头），也不是示例问题（以 \`- \` 开头）`, fix: "每行写一个示例问题，以 `- ` 开头" },
      });
    }
  });
  for (const g of groups) {
    if (g.examples.length === 0) {
      problems.push({
        file,
        line: g.line,
        message: `subject "${g.subject}" has no example questions`,
        fix: "add example questions as lines starting with `- `, or remove the heading",
        zh: { message: `主题“${g.subject}”下面没有示例问题`, fix: "在标题下面加几行示例问题（每行以 `- ` 开头），或者删掉这个标题" },
      });
    }
  }
  return groups.map(({ subject, examples }) => ({ subject, examples }));
}
