import type { KnowledgeProblem } from "./errors.js";
import { readFrontMatter } from "./front-matter.js";
import { readerFor } from "./fields.js";
import type { SmalltalkIntent } from "./types.js";

/**
 * `smalltalk.md`: one `## intent-id` section per intent, example phrases as `- ` lines and
 * one `reply: …` line ({botName} is replaced by the bot's name).
 */
export function parseSmalltalk(file: string, source: string, problems: KnowledgeProblem[]): SmalltalkIntent[] {
  const fm = readFrontMatter(file, source, problems);
  if (!fm) return [];
  readerFor(file, fm, problems).schemaVersion();
  const intents: (SmalltalkIntent & { line: number })[] = [];
  let current: (SmalltalkIntent & { line: number }) | undefined;
  fm.body.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = fm.bodyLine + i;
    const heading = /^##\s+([a-z0-9-]+)\s*$/.exec(line);
    if (heading) {
      current = { id: heading[1]!, examples: [], reply: "", line: lineNo };
      intents.push(current);
    } else if (line.startsWith("- ")) {
      if (current) current.examples.push(line.slice(2).trim());
    } else if (line.startsWith("reply:")) {
      if (current) current.reply = line.slice("reply:".length).trim();
    } else if (line.startsWith("##")) {
      problems.push({
        file,
        line: lineNo,
        message: `"${line}" is not an intent heading`,
        fix: "use `## intent-id` with lower-case letters, digits and -",
        zh: { message: `“${line}”不是寒暄类别的标题`, fix: "标题写成 `## 类别编号`，编号只用小写字母、数字和 -，例如 `## greeting`" },
      });
    }
  });
  for (const it of intents) {
    if (it.examples.length === 0) {
      problems.push({
        file,
        line: it.line,
        message: `intent "${it.id}" has no example phrases`,
        fix: "add example phrases as lines starting with `- `",
        zh: { message: `寒暄类别 \`${it.id}\` 没有示例说法`, fix: "在标题下面加几行示例说法，每行以 `- ` 开头" },
      });
    }
    if (!it.reply) {
      problems.push({
        file,
        line: it.line,
        message: `intent "${it.id}" has no reply`,
        fix: "add a line `reply: …`",
        zh: { message: `寒暄类别 \`${it.id}\` 没有回复`, fix: "在标题下面加一行 `reply: …`，写上机器人的回复" },
      });
    }
  }
  return intents.map(({ id, examples, reply }) => ({ id, examples, reply }));
}
