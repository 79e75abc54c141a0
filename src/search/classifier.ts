/**
 * A softmax (multinomial logistic) classifier over sparse binary features, trained by SGD:
 * the discriminative counterpart of the naive-Bayes view. Each entry's phrasings are its
 * training examples, as in an intent classifier; its probability for the best candidate is a
 * confidence signal that weighs the words that tell entries apart.
 */
export interface ClassifierOptions {
  epochs: number;
  rate: number;
  l2: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { epochs: 8, rate: 0.5, l2: 1e-4 };

export class SoftmaxClassifier {
  private readonly weights = new Map<string, Float64Array>();
  private readonly bias: Float64Array;

  constructor(
    samples: readonly { features: readonly string[]; label: number }[],
    readonly classes: number,
    options: Partial<ClassifierOptions> = {},
    seed = 1,
  ) {
    const { epochs, rate, l2 } = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    this.bias = new Float64Array(classes);
    const order = samples.map((_, i) => i);
    let state = seed >>> 0;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const step = rate / (1 + epoch);
      for (const k of order) {
        const { features, label } = samples[k]!;
        const p = this.probabilities(features);
        const scale = 1 / Math.sqrt(Math.max(features.length, 1));
        for (let c = 0; c < classes; c++) {
          const g = p[c]! - (c === label ? 1 : 0);
          this.bias[c]! -= step * g;
          for (const f of features) {
            let w = this.weights.get(f);
            if (!w) this.weights.set(f, (w = new Float64Array(classes)));
            w[c] = w[c]! - step * (g * scale + l2 * w[c]!);
          }
        }
      }
    }
  }

  /** Class probabilities for a feature set (unknown features carry no weight). */
  probabilities(features: readonly string[]): Float64Array {
    const z = Float64Array.from(this.bias);
    const scale = 1 / Math.sqrt(Math.max(features.length, 1));
    for (const f of new Set(features)) {
      const w = this.weights.get(f);
      if (w) for (let c = 0; c < this.classes; c++) z[c]! += w[c]! * scale;
    }
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (let c = 0; c < this.classes; c++) sum += z[c] = Math.exp(z[c]! - max);
    for (let c = 0; c < this.classes; c++) z[c]! /= sum;
    return z;
  }
}
