/**
 * A softmax (multinomial logistic) classifier over sparse binary features, trained by SGD:
 * the discriminative counterpart of the naive-Bayes view. Each entry's phrasings are its
 * training examples, as in an intent classifier; its probability for the best candidate is a
 * confidence signal that weighs the words that tell entries apart.
 */
import { charBigrams } from "./score.js";

/** Classifier features: words, compound parts and character bigrams of the joined words. */
export function classifierFeatures(terms: readonly { token: string; parts?: readonly string[] }[]): string[] {
  const words = terms.flatMap((t) => [t.token, ...(t.parts ?? [])]);
  return [...words, ...[...charBigrams(terms.map((t) => t.token).join(""))].map((b) => `b:${b}`)];
}

export interface ClassifierOptions {
  epochs: number;
  rate: number;
  l2: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { epochs: 8, rate: 0.5, l2: 1e-4 };

export class SoftmaxClassifier {
  /** Feature → row in `weights` (row-major, one value per class). */
  private readonly featureIds = new Map<string, number>();
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;

  constructor(
    samples: readonly { features: readonly string[]; label: number }[],
    readonly classes: number,
    options: Partial<ClassifierOptions> = {},
    seed = 1,
  ) {
    const { epochs, rate, l2 } = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    this.bias = new Float64Array(classes);
    // Features as row offsets, once: training looks every one up epochs × samples times.
    const encoded = samples.map(({ features, label }) => {
      const rows = features.map((f) => {
        let id = this.featureIds.get(f);
        if (id === undefined) this.featureIds.set(f, (id = this.featureIds.size));
        return id * classes;
      });
      return { rows, unique: [...new Set(rows)], label, scale: 1 / Math.sqrt(Math.max(features.length, 1)) };
    });
    this.weights = new Float64Array(this.featureIds.size * classes);
    const w = this.weights;
    const order = samples.map((_, i) => i);
    let state = seed >>> 0;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const step = rate / (1 + epoch);
      for (const k of order) {
        const { rows, unique, label, scale } = encoded[k]!;
        const p = this.probabilitiesOf(unique, scale);
        for (let c = 0; c < classes; c++) {
          const g = p[c]! - (c === label ? 1 : 0);
          this.bias[c]! -= step * g;
          const gradient = g * scale;
          // A repeated feature is updated once per occurrence, as SGD over the raw list would.
          for (const row of rows) w[row + c] = w[row + c]! - step * (gradient + l2 * w[row + c]!);
        }
      }
    }
  }

  /** Class probabilities for a feature set (unknown features carry no weight). */
  probabilities(features: readonly string[]): Float64Array {
    const rows: number[] = [];
    for (const f of new Set(features)) {
      const id = this.featureIds.get(f);
      if (id !== undefined) rows.push(id * this.classes);
    }
    return this.probabilitiesOf(rows, 1 / Math.sqrt(Math.max(features.length, 1)));
  }

  /** Softmax over the bias plus the scaled weights of distinct known feature rows. */
  private probabilitiesOf(rows: readonly number[], scale: number): Float64Array {
    const classes = this.classes;
    const z = Float64Array.from(this.bias);
    for (const row of rows) for (let c = 0; c < classes; c++) z[c]! += this.weights[row + c]! * scale;
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += z[c] = Math.exp(z[c]! - max);
    for (let c = 0; c < classes; c++) z[c]! /= sum;
    return z;
  }
}
