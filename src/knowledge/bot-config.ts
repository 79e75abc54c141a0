import { parseYamlFile } from "./yaml-errors.js";
import type { KnowledgeProblem } from "./errors.js";
import { FieldReader } from "./fields.js";
import type { BotConfig } from "./types.js";

export const DEFAULT_RETENTION_DAYS = 180;

export function parseBotConfig(file: string, source: string, problems: KnowledgeProblem[]): BotConfig | undefined {
  const parsed = parseYamlFile(file, source, problems, { en: "fix the YAML syntax (indentation, `key: value`)", zh: "" });
  if (!parsed) return undefined;
  const { doc } = parsed;
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    problems.push({
      file,
      line: 1,
      message: "bot.yaml is not a set of `key: value` fields",
      fix: "see DESIGN.md for the fields",
      zh: { message: "`bot.yaml` 应该是一行一项的 `字段名: 内容`", fix: "按 DESIGN.md 中 `bot.yaml` 的说明逐项填写" },
    });
    return undefined;
  }
  const r = new FieldReader(file, data as Record<string, unknown>, problems);
  r.schemaVersion();
  const text = (key: string) => r.string(key, true, { en: `add \`${key}:\` (see DESIGN.md, bot.yaml)`, zh: `加一行 \`${key}: …\`（各项的含义见 DESIGN.md 中 \`bot.yaml\` 的说明）` });
  const contact = r.record("staffContact") ?? {};
  const c = new FieldReader(file, contact, problems);
  const need = (key: string) => c.string(key, true, { en: `add \`${key}:\` under staffContact`, zh: `在 \`staffContact:\` 下面空两格加一行 \`${key}: …\`` });
  const staffContact: BotConfig["staffContact"] = { phone: need("phone"), address: need("address"), hours: need("hours") };
  const email = c.string("email", false, { en: "write the e-mail address as text", zh: "电子邮箱写成一段文字，例如 `email: rencai@example.gov.cn`" });
  if (email) staffContact.email = email;
  const jurisdiction = r.string("jurisdiction", false, { en: "write the place name as text, e.g. `jurisdiction: 示例市`", zh: "地名写成一段文字，例如 `jurisdiction: 示例市`" });
  return {
    schemaVersion: 1,
    botName: text("botName"),
    greeting: text("greeting"),
    help: text("help"),
    examples: r.strings("examples", { en: "list example questions as `  - …`", zh: "示例问题写在 `examples:` 下面，每个问题一行，写成 `  - …`" }),
    notFound: text("notFound"),
    excerptIntro: text("excerptIntro"),
    staffContact,
    retentionDays: r.number("retentionDays", DEFAULT_RETENTION_DAYS),
    ...(jurisdiction && { jurisdiction }),
  };
}
