import { beforeAll, describe, expect, it } from "vitest";
import { evaluateDialogues, readDialogueFile, type DialogueReport } from "../../src/cli/eval-dialogues.js";
import { loadKnowledge } from "../../src/knowledge/load.js";
import { engineFor } from "../helpers/engine.js";

/**
 * Floor for follow-up questions on the project's dialogue sets: dialogues-dev.jsonl and 125 dialogues of the first blind batch
 * in dialogues.jsonl (iterated on, so a floor, not a measurement; README "How well it answers" has the figures of the
 * batch measured once). The later batches in dialogues.jsonl are left to `npm run eval` to keep the suite fast.
 */
const FLOOR = { followUpsRight: 0.76, followUpsWrong: 0.1, standaloneRight: 0.92, hijacked: 0.03 };

let report: DialogueReport;

beforeAll(async () => {
  const engine = await engineFor(await loadKnowledge("knowledge"));
  const all = [...(await readDialogueFile("tests/eval/dialogues-dev.jsonl")), ...(await readDialogueFile("tests/eval/dialogues.jsonl"))];
  const first = all.filter((d) => d.batch === "2026-12-02-blind").slice(0, 125);
  report = await evaluateDialogues(engine, [...all.filter((d) => d.batch === undefined), ...first]);
}, 180_000);

describe("dialogues (tests/eval/dialogues*.jsonl)", () => {
  it("has enough follow-ups and topic switches to measure", () => {
    expect(report.dialogues).toBeGreaterThanOrEqual(150);
    expect(report.followUps.total).toBeGreaterThanOrEqual(150);
    expect(report.standalone.total).toBeGreaterThanOrEqual(40);
  });

  it(`answers at least ${FLOOR.followUpsRight * 100} % of follow-ups right and at most ${FLOOR.followUpsWrong * 100} % wrongly`, () => {
    const { total, right, wrong } = report.followUps;
    expect(right / total).toBeGreaterThanOrEqual(FLOOR.followUpsRight);
    expect(wrong / total).toBeLessThanOrEqual(FLOOR.followUpsWrong);
  });

  it(`lets the context bend at most ${FLOOR.hijacked * 100} % of the questions that stand on their own`, () => {
    const { total, right, hijacked } = report.standalone;
    expect(right / total).toBeGreaterThanOrEqual(FLOOR.standaloneRight);
    expect(hijacked / total).toBeLessThanOrEqual(FLOOR.hijacked);
  });
});
