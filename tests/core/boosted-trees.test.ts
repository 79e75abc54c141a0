import { describe, expect, it } from "vitest";
import { fitTrees, isTreeModel, treeProbability } from "../../src/core/boosted-trees.js";
import { calibrate, fitLogistic, type CalibrationSample } from "../../src/core/calibrate.js";
import { probability } from "../../src/core/decide.js";

/** A deterministic pseudo-random stream in [0, 1). */
function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Right when either both features are high or both low: an interaction no weighted sum of the two can draw. */
function interaction(n: number, seed: number): { xs: number[][]; ys: number[] } {
  const random = stream(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [random(), random(), random()];
    xs.push(x);
    ys.push(x[0]! > 0.5 === x[1]! > 0.5 ? 1 : 0);
  }
  return { xs, ys };
}

const accuracy = (p: (x: number[]) => number, { xs, ys }: { xs: number[][]; ys: number[] }) => xs.filter((x, i) => (p(x) >= 0.5 ? 1 : 0) === ys[i]).length / xs.length;

describe("boosted trees", () => {
  const train = interaction(2000, 1);
  const fresh = interaction(1000, 2);

  it("learns an interaction of two features that the logistic model cannot, on samples it has not seen", () => {
    const trees = fitTrees(train.xs, train.ys, { trees: 60 });
    const logistic = fitLogistic(train.xs, train.ys);
    expect(accuracy((x) => treeProbability(trees, x), fresh)).toBeGreaterThan(0.95);
    expect(accuracy((x) => probability(logistic, x), fresh)).toBeLessThan(0.65);
  });

  it("fits the same trees from the same samples, and reads back from JSON as a well-formed model", () => {
    const one = fitTrees(train.xs, train.ys, { trees: 10 });
    const two = fitTrees(train.xs, train.ys, { trees: 10 });
    expect(two).toEqual(one);
    const read: unknown = JSON.parse(JSON.stringify(one));
    expect(isTreeModel(read, 3)).toBe(true);
    expect(probability(read as typeof one, [0.9, 0.9, 0.1])).toBe(treeProbability(one, [0.9, 0.9, 0.1]));
  });

  it("refuses a model whose splits name a missing feature or point back up the tree", () => {
    const model = fitTrees(train.xs, train.ys, { trees: 2 });
    const split = model.trees[0]!.findIndex((n) => !("v" in n));
    const tree = model.trees[0]!;
    const node = tree[split] as { f: number; t: number; l: number; r: number };
    expect(isTreeModel({ ...model, trees: [[...tree.slice(0, split), { ...node, f: 3 }, ...tree.slice(split + 1)]] }, 3)).toBe(false);
    expect(isTreeModel({ ...model, trees: [[...tree.slice(0, split), { ...node, l: split }, ...tree.slice(split + 1)]] }, 3)).toBe(false);
    expect(isTreeModel({ kind: "trees", base: 0, rate: 0.1, trees: [[]] }, 3)).toBe(false);
  });
});

describe("the answer model a fit gets", () => {
  /** Right picks and near misses told apart only by the interaction; half the negatives are near misses. */
  function samples(n: number, seed: number, labelled = true): CalibrationSample[] {
    const { xs, ys } = interaction(n, seed);
    return xs.map((x, i) => (ys[i] ? { x, inScope: true, topCorrect: true, labelled } : { x, inScope: false, topCorrect: false, kind: i % 2 ? "near-miss" : "labelled", labelled }));
  }
  const targets = { maxWrong: 0.02, negativeBudgets: { labelled: 0.1, "near-miss": 0.1, "out-of-scope": 0.1 }, suggestionAllowance: 0.02 };

  it("is logistic for a fit with few labelled questions and boosted trees for one with many, which answer far more right within the same budgets", () => {
    const small = calibrate(samples(500, 3), targets);
    expect("kind" in small.decision.answerModel).toBe(false);
    // Self-supervised questions, however many, keep the logistic model.
    expect("kind" in calibrate(samples(2500, 3, false), targets).decision.answerModel).toBe(false);
    const large = calibrate(samples(2500, 3), targets, { trees: { trees: 60 } });
    expect("kind" in large.decision.answerModel).toBe(true);
    expect(large.figures.correct / large.figures.inScope).toBeGreaterThan(0.8);
    expect(small.figures.correct / small.figures.inScope).toBeLessThan(0.5);
  });

  it("chooses the trees' threshold on probabilities out of fold: on fresh questions the budgets still hold", () => {
    // Noisy labels and deep trees: scored on the samples they were fitted on, the trees would look surer than they are.
    const noisy = (n: number, seed: number) => {
      const flip = stream(seed + 100);
      return samples(n, seed).map((s) => (flip() < 0.25 ? (s.inScope ? { ...s, inScope: false, topCorrect: false, kind: "labelled" as const } : { ...s, inScope: true, topCorrect: true }) : s));
    };
    const { decision } = calibrate(noisy(2500, 4), targets, { trees: { trees: 150, depth: 5, minLeaf: 3 } });
    const fresh = noisy(4000, 5);
    const answered = fresh.filter((s) => probability(decision.answerModel, s.x) >= decision.answerThreshold);
    const negatives = fresh.filter((s) => !s.inScope);
    expect(answered.filter((s) => !s.inScope).length / negatives.length).toBeLessThanOrEqual(0.13);
    expect(answered.length).toBeGreaterThan(0);
  });
});
