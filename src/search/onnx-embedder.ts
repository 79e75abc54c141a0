import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import ort from "onnxruntime-node";
import { l2Normalize, type Embedder } from "./embedding.js";

/** The shipped model: BAAI bge-small-zh-v1.5, int8 ONNX (see models/bge-small-zh-v1.5/PROVENANCE.md). */
export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "models", "bge-small-zh-v1.5");
export const DEFAULT_MODEL_SHA256 = "15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc";

export interface OnnxEmbedderOptions {
  /** Folder with `onnx/model_quantized.onnx`, `tokenizer.json` and `tokenizer_config.json`. Default {@link DEFAULT_MODEL_DIR}. */
  dir: string;
  /** Expected sha256 of the weights; a different file is refused. Default {@link DEFAULT_MODEL_SHA256}. */
  sha256: string;
  /** Tokens per text at most (the model's limit is 512; questions are far shorter). Default 256. */
  maxTokens: number;
  /** onnxruntime threads for one forward pass. Default 2 (on two cores 3.1 ms per question against 5.7 ms with one). */
  threads: number;
}

export const DEFAULT_ONNX_OPTIONS: OnnxEmbedderOptions = { dir: DEFAULT_MODEL_DIR, sha256: DEFAULT_MODEL_SHA256, maxTokens: 256, threads: 2 };

/** The embedding model could not be loaded or run; `cause` carries the underlying error. */
export class EmbeddingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`embedding: ${message}`, options);
    this.name = "EmbeddingError";
  }
}

/**
 * A BERT-style sentence encoder run by onnxruntime on the CPU: CLS pooling, L2-normalised.
 * Text is lower-cased first (the vocabulary has no upper-case Latin: `HPV` would be [UNK]).
 */
export class OnnxEmbedder implements Embedder {
  readonly dimensions: number;

  private constructor(
    readonly id: string,
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    private readonly maxTokens: number,
    dimensions: number,
  ) {
    this.dimensions = dimensions;
  }

  static async load(options: Partial<OnnxEmbedderOptions> = {}): Promise<OnnxEmbedder> {
    const { dir, sha256, maxTokens, threads } = { ...DEFAULT_ONNX_OPTIONS, ...options };
    const weightsFile = join(dir, "onnx", "model_quantized.onnx");
    let weights: Buffer;
    let tokenizer: Tokenizer;
    let dimensions: number;
    try {
      weights = await readFile(weightsFile);
      const [tokenizerJson, tokenizerConfig, config] = await Promise.all(
        ["tokenizer.json", "tokenizer_config.json", "config.json"].map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8")) as Record<string, unknown>),
      );
      tokenizer = new Tokenizer(tokenizerJson!, tokenizerConfig!);
      dimensions = Number(config!["hidden_size"]);
    } catch (error) {
      throw new EmbeddingError(`cannot read the model in ${dir} (${error instanceof Error ? error.message : String(error)}); a fresh clone ships it under models/`, { cause: error });
    }
    const actual = createHash("sha256").update(weights).digest("hex");
    if (actual !== sha256) throw new EmbeddingError(`${weightsFile} has sha256 ${actual}, expected ${sha256}: restore the shipped file (git checkout models/)`);
    let session: ort.InferenceSession;
    try {
      // Few threads: the bot answers one question at a time per process and shares the machine.
      session = await ort.InferenceSession.create(weights, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential" });
    } catch (error) {
      throw new EmbeddingError(`onnxruntime cannot load ${weightsFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new OnnxEmbedder(actual, session, tokenizer, maxTokens, dimensions);
  }

  async embed(text: string): Promise<Float32Array> {
    const encoded = this.tokenizer.encode(text.toLowerCase());
    let ids: number[] = encoded.ids.map(Number);
    if (ids.length > this.maxTokens) ids = [...ids.slice(0, this.maxTokens - 1), ids[ids.length - 1]!]; // keep [SEP]
    const n = ids.length;
    const shape = [1, n];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, (i) => BigInt(i)),
        shape,
      ),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), shape),
    };
    if (this.session.inputNames.includes("token_type_ids")) feeds["token_type_ids"] = new ort.Tensor("int64", new BigInt64Array(n), shape);
    const output = await this.session.run(feeds);
    const hidden = output[this.session.outputNames[0]!];
    if (!hidden) throw new EmbeddingError("the model returned no output");
    // CLS pooling: the first token's hidden state is the sentence vector bge was trained to produce.
    return l2Normalize(Float32Array.from((hidden.data as Float32Array).subarray(0, this.dimensions)));
  }
}

let shared: Promise<OnnxEmbedder> | undefined;

/** The shipped model, loaded once per process (about 0.1–0.6 s and 90 MB). */
export function defaultEmbedder(): Promise<OnnxEmbedder> {
  shared ??= OnnxEmbedder.load().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
