#!/usr/bin/env node
/**
 * `npm run bench:generality -- DIR [--modes self,dev] [--limit N]`
 *
 * How the engine does on a knowledge base nobody tuned it to. DIR is a folder in the format of
 * ../shared/benchmarks/diac2019-legal (`faq.jsonl` + `queries.jsonl`). The FAQ is imported
 * through `talentbot kb import` into a temporary knowledge base (a bare spreadsheet: no
 * alternates, no synonyms, no policy text), then, as a user would:
 *   mode "self": nothing else — the engine fits its model at load from the knowledge base alone;
 *   mode "dev":  `talentbot calibrate dev.jsonl` with the dev split as staff-labelled questions.
 * The test split goes through `talentbot ask --json`. Printed beside it: BM25 over character
 * unigrams + bigrams of the FAQ questions (k1 1.2, b 0.75), computed in the same run, with a
 * score threshold fitted on dev. The data is evaluation-only: nothing of it is written into the
 * project (the temporary folder is removed). Prints numbers; asserts nothing.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "bin", "talentbot.js");
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a) && !a.includes(","));
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (!dir) {
  console.error("usage: npm run bench:generality -- DIR [--modes self,dev] [--limit N]   (DIR holds faq.jsonl and queries.jsonl)");
  process.exit(2);
}
const modes = flag("modes", "self,dev").split(",");
const limit = Number(flag("limit", "0"));

const readJsonl = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const faqs = readJsonl(join(dir, "faq.jsonl"));
const queries = readJsonl(join(dir, "queries.jsonl"));
const dev = queries.filter((q) => q.split === "dev");
let test = queries.filter((q) => q.split === "test");
if (limit > 0) test = test.filter((_, i) => i % Math.ceil(test.length / limit) === 0);

// ---- BM25 baseline (char unigrams + bigrams), same run ----
const grams = (text) => {
  const chars = [
    ...text
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\s\p{P}\p{S}]+/gu, ""),
  ];
  return [...chars, ...chars.slice(1).map((c, i) => chars[i] + c)];
};
const docs = faqs.map((f) => grams(f.question));
const avgdl = docs.reduce((n, d) => n + d.length, 0) / docs.length;
const df = new Map();
const tfs = docs.map((d) => {
  const tf = new Map();
  for (const g of d) tf.set(g, (tf.get(g) ?? 0) + 1);
  for (const g of tf.keys()) df.set(g, (df.get(g) ?? 0) + 1);
  return tf;
});
const postings = new Map();
tfs.forEach((tf, i) => {
  for (const g of tf.keys()) (postings.get(g) ?? postings.set(g, []).get(g)).push(i);
});
function bm25(query) {
  const scores = new Map();
  for (const g of new Set(grams(query))) {
    const n = df.get(g);
    if (!n) continue;
    const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
    for (const i of postings.get(g)) {
      const tf = tfs[i].get(g);
      const s = idf * ((tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * docs[i].length) / avgdl)));
      scores.set(i, (scores.get(i) ?? 0) + s);
    }
  }
  return [...scores]
    .sort((a, b) => b[1] - a[1] || faqs[a[0]].id.localeCompare(faqs[b[0]].id))
    .slice(0, 10)
    .map(([i, s]) => ({ faqId: faqs[i].id, score: s }));
}
function bm25Figures() {
  const devTop = dev.map((q) => ({ q, top: bm25(q.query)[0] }));
  // The threshold that gets the most dev decisions right: answer the top hit when its score reaches it.
  const candidates = [...new Set(devTop.map((d) => d.top?.score ?? 0))].sort((a, b) => a - b);
  let best = { t: Infinity, right: -1 };
  for (const t of candidates.filter((_, i) => i % 5 === 0)) {
    const right = devTop.filter(({ q, top }) => (top && top.score >= t ? q.type === "paraphrase" && top.faqId === q.expected_id : q.type !== "paraphrase")).length;
    if (right > best.right) best = { t, right };
  }
  const rows = test.map((q) => ({ q, hits: bm25(q.query) }));
  const para = rows.filter((r) => r.q.type === "paraphrase");
  const rAt = (k) => para.filter((r) => r.hits.slice(0, k).some((h) => h.faqId === r.q.expected_id)).length / para.length;
  const answered = (r) => r.hits[0] && r.hits[0].score >= best.t;
  const right = rows.filter((r) => (answered(r) ? r.q.type === "paraphrase" && r.hits[0].faqId === r.q.expected_id : r.q.type !== "paraphrase")).length;
  const near = rows.filter((r) => r.q.type === "hard_negative");
  return { r1: rAt(1), r5: rAt(5), r10: rAt(10), decisions: right / rows.length, nearAnswered: near.filter(answered).length / near.length, threshold: best.t };
}

// ---- talentbot through its CLI ----
function talentbot(cliArgs, input) {
  return execFileSync(process.execPath, ["--max-semi-space-size=32", cli, ...cliArgs], { input, encoding: "utf8", maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "inherit"] });
}

function csvCell(s) {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function makeKnowledgeBase() {
  const kbDir = mkdtempSync(join(tmpdir(), "talentbot-generality-"));
  mkdirSync(join(kbDir, "faq"));
  // The bot's own settings (name, greeting, staff contact) are needed to start; the sample's will do.
  copyFileSync(join(root, "knowledge", "bot.yaml"), join(kbDir, "bot.yaml"));
  const csv = ["id,question,alternates,answer,source", ...faqs.map((f) => [f.id, f.question, "", f.answer || f.question, ""].map(csvCell).join(","))].join("\n");
  const csvFile = join(kbDir, "..", `${kbDir.split("/").pop()}.csv`);
  writeFileSync(csvFile, csv);
  talentbot(["kb", "import", csvFile, "--knowledge", kbDir]);
  rmSync(csvFile);
  return kbDir;
}

async function askAll(kbDir, questions) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--max-semi-space-size=32", cli, "ask", "--json", "--knowledge", kbDir], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolvePromise(
            out
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
          )
        : reject(new Error(`ask --json exited ${code}`)),
    );
    child.stdin.end(`${questions.map((q) => q.replace(/\s+/g, " ")).join("\n")}\n`);
  });
}

function figures(rows) {
  const para = rows.filter((r) => r.q.type === "paraphrase");
  const near = rows.filter((r) => r.q.type === "hard_negative");
  const ood = rows.filter((r) => r.q.type === "out_of_domain");
  const rAt = (k) => para.filter((r) => r.a.candidates.slice(0, k).some((c) => c.faqId === r.q.expected_id)).length / para.length;
  const answered = (r) => r.a.status === "answered";
  const right = para.filter((r) => answered(r) && r.a.faqId === r.q.expected_id).length;
  const wrong = para.filter((r) => answered(r) && r.a.faqId !== r.q.expected_id).length;
  const suggested = para.filter((r) => r.a.status === "suggested" && r.a.suggestions.some((s) => s.faqId === r.q.expected_id)).length;
  const nearAnswered = near.filter(answered);
  const nearSame = nearAnswered.filter((r) => r.a.faqId === r.q.near_id).length;
  const negativesKept = [...near, ...ood].filter((r) => !answered(r)).length;
  return {
    n: { para: para.length, near: near.length, ood: ood.length },
    r1: rAt(1),
    r5: rAt(5),
    r10: rAt(10),
    right: right / para.length,
    wrong: wrong / para.length,
    suggested: suggested / para.length,
    rejected: (para.length - right - wrong - suggested) / para.length,
    nearAnswered: nearAnswered.length / near.length,
    nearAnsweredNearId: nearSame / near.length,
    nearSuggested: near.filter((r) => r.a.status === "suggested").length / near.length,
    oodAnswered: ood.filter(answered).length / Math.max(ood.length, 1),
    decisions: (right + negativesKept) / rows.length,
  };
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const started = Date.now();
console.log(`${dir}: ${faqs.length} FAQ entries; dev ${dev.length} queries, test ${test.length}${limit ? ` (every ${Math.ceil(queries.filter((q) => q.split === "test").length / limit)}th)` : ""}`);
const b = bm25Figures();
console.log(
  `BM25 (char 1+2-grams): first-rank ${pct(b.r1)}, R@5 ${pct(b.r5)}, R@10 ${pct(b.r10)}; with a dev-fitted score threshold: decisions correct ${pct(b.decisions)}, near misses answered ${pct(b.nearAnswered)}`,
);
const rejectAll = test.filter((q) => q.type !== "paraphrase").length / test.length;
console.log(`rejecting everything: decisions correct ${pct(rejectAll)}`);

for (const mode of modes) {
  const kbDir = makeKnowledgeBase();
  try {
    const t0 = Date.now();
    if (mode === "dev") {
      const devFile = join(kbDir, "..", `${kbDir.split("/").pop()}-dev.jsonl`);
      writeFileSync(devFile, `${dev.map((q) => JSON.stringify({ q: q.query, expect: q.type === "paraphrase" ? q.expected_id : "none" })).join("\n")}\n`);
      process.stdout.write(
        talentbot(["calibrate", devFile, "--knowledge", kbDir])
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n"),
      );
      rmSync(devFile);
    }
    const fitSeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    const answers = await askAll(
      kbDir,
      test.map((q) => q.query),
    );
    const askSeconds = (Date.now() - t1) / 1000;
    const f = figures(test.map((q, i) => ({ q, a: answers[i] })));
    console.log(
      `\ntalentbot, mode ${mode} (${mode === "dev" ? "calibrate on the dev split" : "no labelled questions, fitted at load"}; fit ${fitSeconds.toFixed(0)} s, test ${askSeconds.toFixed(0)} s incl. load):`,
    );
    console.log(`  first-rank ${pct(f.r1)}, R@5 ${pct(f.r5)}, R@10 ${pct(f.r10)}  (paraphrases ${f.n.para})`);
    console.log(`  paraphrases: answered right ${pct(f.right)}, wrong ${pct(f.wrong)}, suggested ${pct(f.suggested)}, rejected ${pct(f.rejected)}`);
    console.log(`  near misses (${f.n.near}): answered ${pct(f.nearAnswered)} (with their near_id ${pct(f.nearAnsweredNearId)}), suggested ${pct(f.nearSuggested)}`);
    console.log(`  out-of-domain (${f.n.ood}): answered ${pct(f.oodAnswered)}`);
    console.log(`  decisions correct ${pct(f.decisions)}`);
  } finally {
    rmSync(kbDir, { recursive: true, force: true });
  }
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
