/**
 * Gradient-boosted decision trees for the answer model of a large fit (see calibrate.ts): the
 * same features as the logistic model, but a tree can say "a high cosine counts only when the
 * best phrasing also holds the question's heaviest word" — an interaction a weighted sum cannot
 * express. Logistic loss, second-order leaves (as XGBoost), splits on at most `bins` quantile
 * edges per feature. Deterministic: the same samples give the same trees. Pure.
 */

/** A split (feature `f` ≤ threshold `t` goes to node `l`, else to `r`; indexes into the tree) or a leaf with value `v`. */
export type TreeNode = { f: number; t: number; l: number; r: number } | { v: number };

export interface TreeModel {
  kind: "trees";
  /** Log-odds before any tree (the share of positives). */
  base: number;
  /** Each tree's contribution is scaled by this. */
  rate: number;
  trees: TreeNode[][];
}

export interface TreeOptions {
  /** Trees fitted one after the other. Default 200. */
  trees: number;
  /** Splits from the root to a leaf, at most. Default 3. */
  depth: number;
  /** Shrinkage of each tree. Default 0.1. */
  rate: number;
  /** Candidate thresholds per feature: its quantiles. Default 32. */
  bins: number;
  /** Samples a leaf needs at least. Default 20. */
  minLeaf: number;
  /** L2 penalty on leaf values. Default 1. */
  l2: number;
}

export const DEFAULT_TREE_OPTIONS: TreeOptions = { trees: 200, depth: 3, rate: 0.1, bins: 32, minLeaf: 20, l2: 1 };

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Fits trees to `ys` (0 or 1) from `xs` (one row of features per sample). */
export function fitTrees(xs: readonly (readonly number[])[], ys: readonly number[], options: Partial<TreeOptions> = {}): TreeModel {
  const o = { ...DEFAULT_TREE_OPTIONS, ...options };
  const n = xs.length;
  const dims = xs[0]?.length ?? 0;
  const positives = ys.reduce((s, y) => s + y, 0);
  const base = round6(Math.log((positives + 1) / (n - positives + 1)));
  // Quantile edges, rounded as they are stored, so a sample falls on the same side in training and in use.
  const edges = Array.from({ length: dims }, (_, f) => {
    const sorted = xs.map((x) => x[f]!).sort((a, b) => a - b);
    const cut = new Set<number>();
    for (let b = 1; b < o.bins; b++) cut.add(round6(sorted[Math.floor((b * n) / o.bins)]!));
    return [...cut].sort((a, b) => a - b);
  });
  const binOf = xs.map((x) => x.map((v, f) => binIndex(edges[f]!, v)));
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: TreeNode[][] = [];
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      g[i] = p - ys[i]!;
      h[i] = Math.max(p * (1 - p), 1e-9);
    }
    const nodes: TreeNode[] = [];
    const grow = (rows: number[], level: number): number => {
      let G = 0;
      let H = 0;
      for (const i of rows) {
        G += g[i]!;
        H += h[i]!;
      }
      const at = nodes.push({ v: round6((-G / (H + o.l2)) * o.rate) }) - 1;
      if (level >= o.depth || rows.length < 2 * o.minLeaf) return at;
      const split = bestSplit(rows, G, H, edges, binOf, g, h, o);
      if (!split) return at;
      const left = rows.filter((i) => binOf[i]![split.f]! <= split.bin);
      const right = rows.filter((i) => binOf[i]![split.f]! > split.bin);
      const l = grow(left, level + 1);
      const r = grow(right, level + 1);
      nodes[at] = { f: split.f, t: edges[split.f]![split.bin]!, l, r };
      return at;
    };
    grow(
      Array.from({ length: n }, (_, i) => i),
      0,
    );
    for (let i = 0; i < n; i++) margin[i]! += leafValue(nodes, xs[i]!);
    trees.push(nodes);
  }
  return { kind: "trees", base, rate: o.rate, trees };
}

/** The split of `rows` with the largest gain, or undefined when none gains (ties: the first feature, the first edge). */
function bestSplit(
  rows: readonly number[],
  G: number,
  H: number,
  edges: readonly number[][],
  binOf: readonly number[][],
  g: Float64Array,
  h: Float64Array,
  o: TreeOptions,
): { f: number; bin: number } | undefined {
  const parent = (G * G) / (H + o.l2);
  let best: { f: number; bin: number; gain: number } | undefined;
  for (let f = 0; f < edges.length; f++) {
    const bins = edges[f]!.length + 1;
    const gs = new Float64Array(bins);
    const hs = new Float64Array(bins);
    const counts = new Int32Array(bins);
    for (const i of rows) {
      const b = binOf[i]![f]!;
      gs[b]! += g[i]!;
      hs[b]! += h[i]!;
      counts[b]!++;
    }
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < bins - 1; b++) {
      gl += gs[b]!;
      hl += hs[b]!;
      cl += counts[b]!;
      if (cl < o.minLeaf || rows.length - cl < o.minLeaf) continue;
      const gain = (gl * gl) / (hl + o.l2) + ((G - gl) * (G - gl)) / (H - hl + o.l2) - parent;
      if (gain > 1e-9 && (!best || gain > best.gain)) best = { f, bin: b, gain };
    }
  }
  return best && { f: best.f, bin: best.bin };
}

/** Index of the first edge at or above `v` (values above every edge: the last bin). */
function binIndex(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function leafValue(nodes: readonly TreeNode[], x: readonly number[]): number {
  let node = nodes[0]!;
  while (!("v" in node)) node = nodes[x[node.f]! <= node.t ? node.l : node.r]!;
  return node.v;
}

/** P(positive) for one row of features. */
export function treeProbability(model: TreeModel, x: readonly number[]): number {
  let z = model.base;
  for (const nodes of model.trees) z += leafValue(nodes, x);
  return 1 / (1 + Math.exp(-z));
}

/** A well-formed tree model (as read from a file): every split's children exist and follow it, every feature index is a row's. */
export function isTreeModel(m: unknown, features: number): m is TreeModel {
  if (typeof m !== "object" || m === null) return false;
  const t = m as Partial<TreeModel>;
  if (t.kind !== "trees" || typeof t.base !== "number" || typeof t.rate !== "number" || !Array.isArray(t.trees)) return false;
  return t.trees.every(
    (nodes) =>
      Array.isArray(nodes) &&
      nodes.length > 0 &&
      // Children come after their parent: a walk from the root always ends at a leaf.
      nodes.every((n, i) =>
        "v" in n ? typeof n.v === "number" : Number.isInteger(n.f) && n.f >= 0 && n.f < features && typeof n.t === "number" && n.l > i && n.l < nodes.length && n.r > i && n.r < nodes.length,
      ),
  );
}
