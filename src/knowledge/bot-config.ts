import { LineCounter, parseDocument } from "yaml";
import type { KnowledgeProblem } from "./errors.js";
import { FieldReader } from "./fields.js";
import type { BotConfig } from "./types.js";

export const DEFAULT_RETENTION_DAYS = 180;

export function parseBotConfig(file: string, source: string, problems: KnowledgeProblem[]): BotConfig | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    problems.push({ file, line: lineCounter.linePos(err.pos[0]).line, message: `invalid YAML: ${err.message.split("\n")[0]}`, fix: "fix the YAML syntax (indentation, `key: value`)" });
    return undefined;
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    problems.push({ file, line: 1, message: "bot.yaml is not a set of `key: value` fields", fix: "see DESIGN.md for the fields" });
    return undefined;
  }
  const r = new FieldReader(file, data as Record<string, unknown>, problems);
  r.schemaVersion();
  const text = (key: string) => r.string(key, true, `add \`${key}:\` (see DESIGN.md, bot.yaml)`);
  const contact = r.record("staffContact") ?? {};
  const c = new FieldReader(file, contact, problems);
  const need = (key: string) => c.string(key, true, `add \`${key}:\` under staffContact`);
  const staffContact: BotConfig["staffContact"] = { phone: need("phone"), address: need("address"), hours: need("hours") };
  const email = c.string("email", false, "write the e-mail address as text");
  if (email) staffContact.email = email;
  return {
    schemaVersion: 1,
    botName: text("botName"),
    greeting: text("greeting"),
    help: text("help"),
    examples: r.strings("examples", "list example questions as `  - …`"),
    notFound: text("notFound"),
    excerptIntro: text("excerptIntro"),
    staffContact,
    retentionDays: r.number("retentionDays", DEFAULT_RETENTION_DAYS),
  };
}
