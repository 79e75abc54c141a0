import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildEngine } from "../../src/core/build-engine.js";
import { holdOutRounds } from "../../src/core/fit.js";
import { MODEL_FILE, MODEL_SCHEMA_VERSION, readModel, staleness } from "../../src/core/model-file.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { defaultEmbedder } from "../../src/search/onnx-embedder.js";
import { RANK_FEATURE_NAMES } from "../../src/search/rank.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();

describe("hold-out rounds", () => {
  it("hold every alternate out once, and every entry once as a near miss", async () => {
    const kb = await loadKnowledge("knowledge");
    const rounds = holdOutRounds(kb, 5, { maxPositivesPerEntry: 1000, maxNearMissesPerEntry: 1000, maxOutOfScope: 100_000 });
    const alternates = rounds.flatMap((r) => r.probes.filter((p) => p.kind === "alternate"));
    const nearMisses = rounds.flatMap((r) => r.probes.filter((p) => p.kind === "near-miss"));
    const phrasings = kb.faqs.reduce((n, f) => n + 1 + f.alternates.length, 0);
    // Every entry is held out whole in one round: all its phrasings are near misses there.
    expect(nearMisses.length).toBe(phrasings);
    // Alternates are asked at most once each, and most are.
    expect(new Set(alternates.map((p) => p.question)).size).toBe(alternates.length);
    expect(alternates.length).toBeGreaterThan(0.7 * kb.faqs.reduce((n, f) => n + f.alternates.length, 0));
    for (const round of rounds) {
      const present = new Set(round.kb.faqs.map((f) => f.id));
      for (const p of round.probes) if (p.kind === "alternate") expect(present.has(p.expect!)).toBe(true);
      // A held-out entry's phrasings are asked of a knowledge base that lacks the entry.
      for (const f of kb.faqs.filter((f) => !present.has(f.id))) expect(round.probes.some((p) => p.kind === "near-miss" && p.question === f.question)).toBe(true);
      const asked = new Set(round.probes.filter((p) => p.kind === "alternate").map((p) => p.question));
      for (const f of round.kb.faqs) for (const a of f.alternates) expect(asked.has(a)).toBe(false);
    }
    expect(rounds.flatMap((r) => r.probes.filter((p) => p.kind === "out-of-scope")).length).toBe(kb.outOfScope.reduce((n, g) => n + g.examples.length, 0));
  });
});

describe("model.json", () => {
  it("ships fresh for the sample knowledge base, fitted on its own phrasings", async () => {
    const kb = await loadKnowledge("knowledge");
    const read = await readModel("knowledge");
    expect(read.model, "knowledge/model.json is missing or unreadable: run `talentbot calibrate`").toBeDefined();
    const model = read.model!;
    expect(staleness(model, kb, (await defaultEmbedder()).id), "knowledge/model.json is stale: run `talentbot calibrate` and commit it").toBeUndefined();
    expect(model.features.rank).toEqual([...RANK_FEATURE_NAMES]);
    expect(model.fittedOn.alternatesHeldOut).toBeGreaterThan(100);
    expect(model.fittedOn.entriesHeldOut).toBeGreaterThan(50);
    // The fit must have learned something: held-out alternates rank first at least as often as with the prior.
    expect(model.figures.top1After).toBeGreaterThanOrEqual(model.figures.top1Before);
  });

  it("is fitted at load when missing, saved, and refitted when the knowledge changes", async () => {
    const dir = await writeMiniKb();
    const lines: string[] = [];
    const first = await buildEngine(await loadKnowledge(dir), { report: (l) => lines.push(l) });
    expect(first.fitted).toBe(true);
    expect(lines.some((l) => l.includes(`${MODEL_FILE} is missing`))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, MODEL_FILE), "utf8"))).toMatchObject({ schemaVersion: MODEL_SCHEMA_VERSION, knowledgeHash: first.model.knowledgeHash });

    const again = await buildEngine(await loadKnowledge(dir));
    expect(again.fitted).toBe(false);

    const file = join(dir, "faq/enroll-materials.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("  - 入学材料清单", "  - 入学材料清单\n  - 上学要带什么证件"));
    const changed: string[] = [];
    const third = await buildEngine(await loadKnowledge(dir), { report: (l) => changed.push(l) });
    expect(third.fitted).toBe(true);
    expect(changed.some((l) => l.includes("the knowledge base changed"))).toBe(true);
  });

  it("says what is wrong with a broken file and fits a new one", async () => {
    const dir = await tempDir();
    await cp(await writeMiniKb(), dir, { recursive: true });
    await writeFile(join(dir, MODEL_FILE), "{ not json");
    expect(await readModel(dir)).toMatchObject({ reason: expect.stringContaining("not valid JSON") });
    const built = await buildEngine(await loadKnowledge(dir));
    expect(built.fitted).toBe(true);
    expect((await readModel(dir)).model).toBeDefined();
  });
});
