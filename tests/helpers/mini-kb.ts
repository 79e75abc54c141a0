import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A small but complete knowledge base written to a temp directory; `files` override or add files. */
export async function writeMiniKb(files: Record<string, string | null> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "talentbot-kb-"));
  const base: Record<string, string | null> = {
    "bot.yaml": [
      "schemaVersion: 1",
      "botName: 测试助手",
      "greeting: 您好",
      "help: 可以问我入学和补贴",
      "examples: [子女入学需要什么材料]",
      "notFound: 抱歉，暂时无法回答。",
      "excerptIntro: 以下政策原文可能有关：",
      "staffContact:",
      "  phone: 0000-1234",
      "  address: 示例路1号",
      "  hours: 工作日 9:00-17:00",
    ].join("\n"),
    "policies/rules.md": [
      "---",
      "schemaVersion: 1",
      "id: rules",
      "title: 示例细则",
      "sample: true",
      "---",
      "前言。",
      "",
      "## 第一条 子女入学",
      "人才子女入学需提交申请表、人才证书、户口簿。",
      "",
      "## 第二条 购房补贴",
      "C类人才购房补贴20万元，在线申请。",
      "",
      "## 第三条 人才公寓",
      "人才公寓面向新引进人才，租金减半，向住建部门申请。",
    ].join("\n"),
    "faq/enroll-materials.md": [
      "---",
      "schemaVersion: 1",
      "id: enroll-materials",
      "question: 人才子女入学需要什么材料？",
      "alternates:",
      "  - 孩子上学要准备哪些材料",
      "  - 入学材料清单",
      "source:",
      "  doc: rules",
      "  article: 第一条",
      "updated: 2024-03-01",
      "sample: true",
      "---",
      "提交申请表、人才证书、户口簿。",
    ].join("\n"),
    "faq/housing-subsidy.md": [
      "---",
      "schemaVersion: 1",
      "id: housing-subsidy",
      "question: 购房补贴怎么申请？",
      "alternates:",
      "  - 买房补贴有多少",
      "  - 买房有补助吗",
      "source:",
      "  doc: rules",
      "  article: 第二条",
      "sample: true",
      "---",
      "C类人才20万元，在线申请。",
    ].join("\n"),
    "synonyms.txt": "# talentbot synonyms schemaVersion: 1\n子女 孩子 小孩 娃\n购房 买房\n补贴 补助\n材料 资料",
    "dict.txt": "# talentbot dict schemaVersion: 1\n购房补贴 2000 n\n人才公寓 2000 n",
    "smalltalk.md": "---\nschemaVersion: 1\n---\n## greeting\n- 你好\n- 您好\nreply: 您好，我是{botName}\n\n## thanks\n- 谢谢\nreply: 不客气",
    ...files,
  };
  for (const [rel, text] of Object.entries(base)) {
    if (text === null) continue;
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text, "utf8");
  }
  return dir;
}
