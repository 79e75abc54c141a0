import { watch, type FSWatcher } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { KnowledgeError, formatProblem, type KnowledgeProblem } from "../knowledge/errors.js";
import { loadKnowledge } from "../knowledge/load.js";
import type { KnowledgeBase } from "../knowledge/types.js";
import { buildEngine, type BuildOptions } from "./build-engine.js";
import type { AnswerEngine } from "./engine.js";
import { MODEL_FILE } from "./model-file.js";

/** The outcome of one reload attempt. */
export type ReloadReport =
  | { ok: true; changed: boolean; faqs: number }
  /** The new files could not be used; the previous engine keeps serving. `changed` is false when these same files failed before. */
  | { ok: false; changed: boolean; problems: KnowledgeProblem[]; message: string };

export interface LiveEngineOptions {
  /** How each engine is built (embedder, options, where the operator hears about a fit). */
  build?: Partial<BuildOptions>;
  /** Quiet time after a file change before reloading (editors write in several steps). Default 300 ms. */
  debounceMs?: number;
  /** Also look for changes this often, for file systems where watching misses events. Default 5 000 ms. */
  pollMs?: number;
  /**
   * After an edit makes model.json stale, fit a new one in the background and swap it in. Default true;
   * false keeps answering with the stale model until `talentbot calibrate` (tests that edit knowledge
   * but are not about the fit, so the fit's CPU does not slow the rest).
   */
  refitInBackground?: boolean;
}

/**
 * The answering engine for a knowledge directory that staff edit while the bot runs.
 * A reload builds a new engine next to the old one and swaps only if the whole knowledge
 * base loads: a bad edit keeps the old index serving and is reported, with every problem.
 */
export class LiveEngine {
  private current: AnswerEngine;
  private fingerprint: string;
  private reloading: Promise<ReloadReport> | undefined;
  private lastFailure: { fingerprint: string; report: ReloadReport } | undefined;
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly debounceMs: number;
  private refitting: Promise<void> | undefined;
  private closed = false;
  private readonly pollMs: number;

  private constructor(
    readonly dir: string,
    engine: AnswerEngine,
    fingerprint: string,
    private readonly options: LiveEngineOptions,
  ) {
    this.current = engine;
    this.fingerprint = fingerprint;
    this.debounceMs = options.debounceMs ?? 300;
    this.pollMs = options.pollMs ?? 5_000;
  }

  /** Loads the knowledge base; throws KnowledgeError listing every problem. */
  static async open(dir: string, options: LiveEngineOptions = {}): Promise<LiveEngine> {
    const fingerprint = await fingerprintOf(dir);
    const built = await buildEngine(await loadKnowledge(dir), { ...options.build, whenStale: "use" });
    const live = new LiveEngine(dir, built.engine, fingerprint, options);
    if (built.stale && options.refitInBackground !== false) live.refitLater(built.engine.kb, fingerprint, built.stale);
    return live;
  }

  /** Settles when the background refit (if any) is done: for tests and an orderly stop. */
  get refitted(): Promise<void> {
    return this.refitting ?? Promise.resolve();
  }

  /**
   * The model in use was fitted on older knowledge: answer with it now, fit a new one in the
   * background and swap it in, unless the files changed again meanwhile (that reload refits).
   */
  private refitLater(kb: KnowledgeBase, fingerprint: string, reason: string): void {
    const report = this.options.build?.report ?? (() => {});
    report(`${reason}: answering with it while a new one is fitted in the background`);
    const run = (this.refitting ?? Promise.resolve())
      .then(async () => {
        if (this.closed || this.fingerprint !== fingerprint) return;
        const { engine } = await buildEngine(kb, { ...this.options.build, refit: {} });
        if (!this.closed && this.fingerprint === fingerprint) this.current = engine;
      })
      .catch((error: unknown) => report(`refit failed (${error instanceof Error ? error.message : String(error)}); the previous model keeps answering`));
    this.refitting = run.finally(() => {
      if (this.refitting === run) this.refitting = undefined;
    });
  }

  get engine(): AnswerEngine {
    return this.current;
  }

  /** The last reload that failed, while the files on disk are still those broken ones; the previous version answers meanwhile. */
  get failedReload(): Extract<ReloadReport, { ok: false }> | undefined {
    const report = this.lastFailure?.report;
    return report && !report.ok ? report : undefined;
  }

  /**
   * Loads the knowledge base again if any file changed (or always, with `force`).
   * Reloads never overlap; one requested during a reload runs right after it.
   */
  reload(force = false): Promise<ReloadReport> {
    if (this.reloading) {
      return this.reloading.then(() => this.reload(force));
    }
    const run = this.reloadNow(force).finally(() => {
      this.reloading = undefined;
    });
    this.reloading = run;
    return run;
  }

  /** Reloads after every change under the directory; `report` hears about each reload that changed something. */
  watch(report: (result: ReloadReport) => void): void {
    if (this.watcher || this.poller) return;
    const schedule = () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload().then((r) => (r.changed ? report(r) : undefined)), this.debounceMs);
    };
    try {
      this.watcher = watch(this.dir, { recursive: true }, schedule);
      this.watcher.on("error", () => {
        // The directory was replaced or removed; polling still notices when it is back.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // Recursive watching is not available here: polling alone will do.
    }
    this.poller = setInterval(schedule, this.pollMs);
    this.poller.unref();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.poller);
    this.poller = undefined;
    clearTimeout(this.debounce);
  }

  private async reloadNow(force: boolean): Promise<ReloadReport> {
    let fingerprint = "";
    try {
      fingerprint = await fingerprintOf(this.dir);
      if (!force && fingerprint === this.fingerprint) {
        // Back to the very files in use (a broken edit undone with `mv backup file`, which keeps
        // the old size and time): nothing to load, but the broken state is over and must be said.
        const recovered = this.lastFailure !== undefined;
        this.lastFailure = undefined;
        return { ok: true, changed: recovered, faqs: this.current.kb.faqs.length };
      }
      // The same broken files again (a poll, a second event): report them once, not every few seconds.
      if (!force && this.lastFailure?.fingerprint === fingerprint) return { ...this.lastFailure.report, changed: false };
      const built = await buildEngine(await loadKnowledge(this.dir), { ...this.options.build, whenStale: "use" });
      const engine = built.engine;
      this.current = engine;
      this.fingerprint = fingerprint;
      this.lastFailure = undefined;
      if (built.stale && this.options.refitInBackground !== false) this.refitLater(engine.kb, fingerprint, built.stale);
      return { ok: true, changed: true, faqs: engine.kb.faqs.length };
    } catch (error) {
      const report: ReloadReport =
        error instanceof KnowledgeError
          ? { ok: false, changed: true, problems: error.problems, message: `${error.problems.length} problem(s) in ${this.dir}` }
          : { ok: false, changed: true, problems: [], message: error instanceof Error ? error.message : String(error) };
      this.lastFailure = { fingerprint, report };
      return report;
    }
  }
}

/** Paths, sizes and modification times of every file: changes when any file does. */
async function fingerprintOf(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  // What the bot writes itself (model.json, the .cache folder, dot-named temporary files) is not a staff edit.
  const files = entries
    .filter(
      (e) =>
        e.isFile() &&
        !e.name.startsWith(".") &&
        !relative(dir, e.parentPath)
          .split(sep)
          .some((part) => part.startsWith(".")),
    )
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => relative(dir, file) !== MODEL_FILE)
    .sort();
  const parts = await Promise.all(
    files.map(async (file) => {
      try {
        const s = await stat(file);
        return `${relative(dir, file)}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${relative(dir, file)}:gone`; // removed between listing and stat
      }
    }),
  );
  return parts.join("\n");
}

/** A reload's outcome for the operator: nothing when nothing changed, the problems when it failed. */
export function reportReload(result: ReloadReport, report: (line: string) => void): void {
  if (result.ok) {
    if (result.changed) report(`talentbot: knowledge base reloaded: ${result.faqs} FAQ entries`);
    return;
  }
  const details = result.problems.slice(0, 20).map(formatProblem).join("\n");
  report(`talentbot: knowledge base NOT reloaded (${result.message}); still answering with the previous version. Fix the files (talentbot kb check):${details ? `\n${details}` : ""}`);
}
