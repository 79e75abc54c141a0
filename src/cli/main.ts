import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { KnowledgeError, formatProblem } from "../knowledge/errors.js";
import { checkKnowledge, loadKnowledge } from "../knowledge/load.js";
import { readFaqCsv, writeFaqFiles } from "../knowledge/import-csv.js";
import { answerRecord, askLines, describe, describeFit } from "./ask.js";
import { buildEngine } from "../core/build-engine.js";
import { MODEL_FILE, readModel, staleness } from "../core/model-file.js";
import { defaultEmbedder } from "../search/onnx-embedder.js";
import { evaluate, formatReport, readEvalFile } from "./eval.js";
import { evaluateDialogues, formatDialogueReport, readDialogueFile } from "./eval-dialogues.js";
import { loadEngine } from "./load-engine.js";
import { LOG_USAGE, logCommand } from "./log.js";
import { chatCommand, startCommand } from "./start.js";
import { processOutput, UsageError, type Output } from "./output.js";
import { PACKAGE_ROOT, knowledgeDir } from "./paths.js";

export const USAGE = `talentbot — talent-policy Q&A bot

Usage:
  talentbot ask "问题" [--knowledge DIR]        answer one question (hit test), with status and score
  talentbot ask --json [--knowledge DIR]        questions on stdin, one JSON answer per line
  talentbot kb check [--knowledge DIR]          validate the knowledge base
  talentbot kb import FILE.csv [--knowledge DIR] [--subdir imported] [--force]
                                                turn a spreadsheet export into FAQ files
  talentbot eval [FILE.jsonl ...] [--verbose]   evaluation figures (default: tests/eval/*.jsonl; dialogues*.jsonl are conversations)
  talentbot calibrate [FILE.jsonl] [--knowledge DIR]
                                                fit the knowledge base's answering model (rank weights,
                                                decision models) from its own phrasings, plus staff's
                                                labelled questions if given, and write model.json.
                                                FILE.jsonl: one {"q": "问题", "expect": "faq-id" | "none" | "smalltalk"} per line
  talentbot start [--knowledge DIR] [--data-dir D]
                                                run the bot on every channel that is on (npm start)
  talentbot chat [--knowledge DIR] [--data-dir D]
                                                talk to the bot in this terminal (or pipe lines in)
  talentbot log list|show|reply|promote|out-of-scope|dismiss|export …
                                                staff workflow on the question log (talentbot log help)
  talentbot help

The knowledge directory defaults to $TALENTBOT_KNOWLEDGE_DIR, else the shipped sample.
The data directory (question log) defaults to $TALENTBOT_DATA_DIR, else ./data.
start also serves the web chat (/) and the staff console (/admin) on http://127.0.0.1:3000
(PORT, HOST; ADMIN_TOKEN or data/staff-token signs staff in; TALENTBOT_WEB=off turns it off).

Staff workflow:
${LOG_USAGE.replace(/^/gm, "  ")}`;

type Command = (args: string[], io: Output) => Promise<number>;

const commands: Record<string, Command> = {
  ask: async (args, io) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, knowledge: { type: "string" } } });
    const engine = await loadEngine(knowledgeDir(values.knowledge));
    if (values.json) {
      if (positionals.length > 0) for (const q of positionals) io.out(JSON.stringify(answerRecord(await engine.ask(q))));
      else await askLines(engine, process.stdin, io);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('ask needs a question: talentbot ask "人才子女入学需要什么材料"');
    io.out(describe(await engine.ask(positionals.join(" ")), engine.options.model));
    return 0;
  },

  kb: async (args, io) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { knowledge: { type: "string" }, subdir: { type: "string" }, force: { type: "boolean" } } });
    const dir = knowledgeDir(values.knowledge);
    const [sub, file] = positionals;
    if (sub === "check") return kbCheck(dir, io);
    if (sub === "import") {
      if (!file) throw new UsageError("kb import needs a CSV file: talentbot kb import faq.csv");
      const { entries, problems } = readFaqCsv(basename(file), await readFile(resolve(file), "utf8"));
      for (const p of problems) io.err(formatProblem(p));
      if (problems.length > 0) {
        io.err(`nothing imported: fix the ${problems.length} problem(s) above and run the import again`);
        return 1;
      }
      const result = await writeFaqFiles(dir, values.subdir ?? "imported", entries, values.force ?? false);
      for (const p of result.problems) io.err(formatProblem(p));
      io.out(`imported ${result.written.length} FAQ file(s) into ${join(dir, "faq", values.subdir ?? "imported")}`);
      const status = await kbCheck(dir, io);
      return result.problems.length > 0 ? 1 : status;
    }
    throw new UsageError("kb needs a subcommand: check or import");
  },

  eval: async (args, io) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { verbose: { type: "boolean" }, knowledge: { type: "string" } } });
    const engine = await loadEngine(knowledgeDir(values.knowledge));
    const files =
      positionals.length > 0 ? positionals : ["dev.jsonl", "holdout.jsonl", "dialogues-dev.jsonl", "dialogues.jsonl"].map((f) => join(PACKAGE_ROOT, "tests/eval", f)).filter((f) => existsSync(f));
    const verbose = values.verbose ?? false;
    for (const f of files) {
      // A dialogue file (turns asked in one conversation) is named dialogues*.jsonl.
      if (basename(f).startsWith("dialogues")) io.out(formatDialogueReport(basename(f), await evaluateDialogues(engine, await readDialogueFile(f)), verbose));
      else io.out(formatReport(basename(f), await evaluate(engine, await readEvalFile(f)), verbose));
    }
    return 0;
  },

  calibrate: async (args, io) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { knowledge: { type: "string" } } });
    const dir = knowledgeDir(values.knowledge);
    const kb = await loadKnowledge(dir);
    const file = positionals[0];
    const labelled = file ? { file: basename(file), rows: await readEvalFile(resolve(file)) } : undefined;
    const { model } = await buildEngine(kb, { refit: { ...(labelled && { labelled }) }, report: (line) => io.out(line) });
    const f = model.figures;
    io.out(`fitted on ${describeFit(model)}`);
    io.out(
      `on those questions: answered correctly ${f.correct}/${f.inScope}, wrongly ${f.wrong}, suggested ${f.suggestedInScope}; not-in-scope answered ${f.negativesAnswered}/${f.negatives}, suggested ${f.negativesSuggested}`,
    );
    io.out(`wrote ${join(dir, MODEL_FILE)}`);
    return 0;
  },

  start: startCommand,
  chat: chatCommand,
  log: (args, io) => (args[0] === "help" ? commands["help"]!([], io) : logCommand(args, io)),

  help: async (_args, io) => {
    io.out(USAGE);
    return 0;
  },
};

async function kbCheck(dir: string, io: Output): Promise<number> {
  const { kb, problems } = await checkKnowledge(dir);
  if (problems.length > 0 || !kb) {
    io.err(`knowledge base ${dir}: ${problems.length} problem(s)`);
    for (const p of problems) io.err(formatProblem(p));
    return 1;
  }
  const articles = kb.policies.reduce((n, p) => n + p.articles.length, 0);
  const read = await readModel(dir);
  const stale = read.model ? staleness(read.model, kb, (await defaultEmbedder()).id) : read.reason;
  if (stale) io.out(`note: ${stale}; the bot fits it when it starts (a few seconds per thousand phrasings) — run \`talentbot calibrate\` to fit and save it now`);
  else io.out(`model.json: fitted ${read.model!.fittedAt} on ${describeFit(read.model!)}`);
  io.out(
    `knowledge base ${dir}: OK — ${kb.faqs.length} FAQ entries, ${kb.policies.length} policy documents (${articles} articles), ${kb.synonyms.length} synonym groups, ${kb.dictionary.length} dictionary words, ${kb.smalltalk.length} small-talk intents, ${kb.outOfScope.reduce((n, g) => n + g.examples.length, 0)} out-of-scope examples${kb.eligibility ? `, eligibility check: ${kb.eligibility.benefits.length} benefits over ${kb.eligibility.facts.length} facts` : ""}`,
  );
  return 0;
}

/** Runs one CLI command; returns the exit code. Errors a user can cause are printed without a stack trace. */
export async function run(argv: string[], io: Output = processOutput): Promise<number> {
  const [name = "help", ...args] = argv;
  const command = commands[name === "--help" || name === "-h" ? "help" : name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command(args, io);
  } catch (e) {
    if (e instanceof KnowledgeError) {
      io.err(`talentbot cannot start: the knowledge base has ${e.problems.length} problem(s). Run \`talentbot kb check\` after fixing them.`);
      for (const p of e.problems.slice(0, 20)) io.err(formatProblem(p));
      if (e.problems.length > 20) io.err(`… and ${e.problems.length - 20} more`);
      return 1;
    }
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      io.err(`talentbot: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT" && err.path) {
      io.err(`talentbot: file not found: ${err.path}`);
      return 1;
    }
    io.err(`talentbot: ${err.message ?? String(e)}`);
    if (process.env["TALENTBOT_DEBUG"]) io.err(String(err.stack));
    return 1;
  }
}
