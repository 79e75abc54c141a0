import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { quantize, type Embedder, type QuantizedVector } from "./embedding.js";

/**
 * Vectors of knowledge texts on disk, keyed by model and text, so a restart or a knowledge
 * reload embeds only what is new. File format (schema version 1): one JSON header line
 * `{"schemaVersion":1,"model":"<sha256>","dimensions":512,"count":N}`, then N records of
 * u32 LE byte length, the UTF-8 text, f32 LE scale, `dimensions` int8 codes.
 */
export const EMBEDDING_CACHE_SCHEMA_VERSION = 1;

export interface CacheStats {
  /** Texts found in the file. */
  reused: number;
  /** Texts embedded now. */
  embedded: number;
  /** Why the file on disk was not used (other model, other version, unreadable), if it was not. */
  ignored?: string;
}

export class EmbeddingCache {
  private readonly vectors = new Map<string, QuantizedVector>();
  private readonly used = new Set<string>();
  private dirty = false;
  readonly stats: CacheStats = { reused: 0, embedded: 0 };

  private constructor(
    readonly file: string | undefined,
    private readonly embedder: Embedder,
  ) {}

  /** Opens the cache file (`undefined`: memory only). A file for another model or format is ignored and later replaced. */
  static async open(file: string | undefined, embedder: Embedder): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(file, embedder);
    if (file) {
      let bytes: Buffer | undefined;
      try {
        bytes = await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") cache.stats.ignored = `cannot read ${file}: ${(error as Error).message}`;
      }
      if (bytes) cache.stats.ignored = cache.parse(bytes);
    }
    return cache;
  }

  /** The vector of `text`, embedding it if the cache lacks it. */
  async vector(text: string): Promise<QuantizedVector> {
    this.used.add(text);
    const known = this.vectors.get(text);
    if (known) {
      this.stats.reused++;
      return known;
    }
    const v = quantize(await this.embedder.embed(text));
    this.vectors.set(text, v);
    this.stats.embedded++;
    this.dirty = true;
    return v;
  }

  /** The stored vector of `text`, if it has been embedded. */
  get(text: string): QuantizedVector | undefined {
    const v = this.vectors.get(text);
    if (v) this.used.add(text);
    return v;
  }

  async vectorsOf(texts: readonly string[]): Promise<QuantizedVector[]> {
    const out: QuantizedVector[] = [];
    for (const t of texts) out.push(await this.vector(t)); // one at a time: see Embedder.embed
    return out;
  }

  /**
   * Writes the texts asked for since opening (others are dropped: the file follows the knowledge
   * base). Atomic (temporary file + rename). Returns an error message instead of throwing: a
   * read-only knowledge folder costs only start-up time.
   */
  async save(): Promise<string | undefined> {
    const stale = [...this.vectors.keys()].some((t) => !this.used.has(t));
    if (!this.file || (!this.dirty && !stale)) return undefined;
    const texts = [...this.used].sort();
    const d = this.embedder.dimensions;
    const header = Buffer.from(`${JSON.stringify({ schemaVersion: EMBEDDING_CACHE_SCHEMA_VERSION, model: this.embedder.id, dimensions: d, count: texts.length })}\n`);
    // One buffer for the whole file: a buffer per record was 400,000 small allocations at 100,000 entries, and a copy.
    const encoded = texts.map((text) => Buffer.from(text, "utf8"));
    const bytes = Buffer.allocUnsafe(header.length + encoded.reduce((sum, t) => sum + 8 + t.length + d, 0));
    let at = header.copy(bytes, 0);
    texts.forEach((text, i) => {
      const v = this.vectors.get(text)!;
      const t = encoded[i]!;
      at = bytes.writeUInt32LE(t.length, at);
      at += t.copy(bytes, at);
      at = bytes.writeFloatLE(v.scale, at);
      bytes.set(new Uint8Array(v.codes.buffer, v.codes.byteOffset, d), at);
      at += d;
    });
    try {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, this.file);
      this.dirty = false;
      return undefined;
    } catch (error) {
      return `embedding cache not saved (${(error as Error).message}); the next start embeds these texts again`;
    }
  }

  /** Fills the map from a file's bytes; returns why the file was not usable, if it was not. */
  private parse(bytes: Buffer): string | undefined {
    const eol = bytes.indexOf(0x0a);
    let header: { schemaVersion?: unknown; model?: unknown; dimensions?: unknown; count?: unknown };
    try {
      header = JSON.parse(bytes.subarray(0, eol).toString("utf8")) as typeof header;
    } catch {
      return `${this.file} has no readable header; it will be rebuilt`;
    }
    if (header.schemaVersion !== EMBEDDING_CACHE_SCHEMA_VERSION)
      return `${this.file} is schema version ${String(header.schemaVersion)}, expected ${EMBEDDING_CACHE_SCHEMA_VERSION}; it will be rebuilt`;
    if (header.model !== this.embedder.id || header.dimensions !== this.embedder.dimensions) return `${this.file} was made with another embedding model; it will be rebuilt`;
    const d = this.embedder.dimensions;
    let at = eol + 1;
    const entries = new Map<string, QuantizedVector>();
    for (let i = 0; i < Number(header.count); i++) {
      if (at + 4 > bytes.length) return `${this.file} is truncated; it will be rebuilt`;
      const len = bytes.readUInt32LE(at);
      if (at + 8 + len + d > bytes.length) return `${this.file} is truncated; it will be rebuilt`;
      const text = bytes.subarray(at + 4, at + 4 + len).toString("utf8");
      const scale = bytes.readFloatLE(at + 4 + len);
      const codes = new Int8Array(d);
      codes.set(new Int8Array(bytes.buffer, bytes.byteOffset + at + 8 + len, d));
      entries.set(text, { codes, scale });
      at += 8 + len + d;
    }
    for (const [k, v] of entries) this.vectors.set(k, v);
    return undefined;
  }
}
