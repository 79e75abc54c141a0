import { PrivateTextFile } from "../../log/private-files.js";

/** Where the running bot keeps the check's counts, in its data directory. */
export const ELIGIBILITY_COUNTS_FILE = "eligibility-counts.json";

export interface EligibilityCounts {
  /** Checks carried through to a result. */
  checks: number;
  /** Per benefit id: in how many results it was decided, and how often it applied. Never any fact. */
  benefits: Record<string, { checked: number; applies: number }>;
}

/**
 * Where the check's counts go: EligibilityTally (memory + eligibility-counts.json, one process)
 * or, with DATABASE_URL, the log's PgEligibilityCounts (shared by every replica).
 */
export interface EligibilityCounter {
  /** One finished check: the benefits it decided and whether each applies. */
  record(decided: readonly { id: string; applies: boolean }[]): void;
  snapshot(): Promise<EligibilityCounts>;
  /** Resolves when every record so far is stored. */
  flush(): Promise<void>;
}

interface CountsFile extends EligibilityCounts {
  schemaVersion: 1;
  kind: "talentbot eligibility counts";
}

/**
 * How often each benefit was checked and found to apply: counts only, nothing about the
 * person. Kept in memory and, with a file, written (0600, temp file + rename) a second after a
 * change and at `flush()`. A file that cannot be read is reported and counting starts at zero.
 */
export class EligibilityTally implements EligibilityCounter {
  private counts: EligibilityCounts = { checks: 0, benefits: {} };
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: PrivateTextFile | undefined,
    private readonly report: (line: string) => void,
  ) {}

  /** In memory only (tests, `talentbot ask`). */
  static inMemory(): EligibilityTally {
    return new EligibilityTally(undefined, () => {});
  }

  static async open(path: string, report: (line: string) => void = () => {}): Promise<EligibilityTally> {
    const tally = new EligibilityTally(new PrivateTextFile(path), report);
    try {
      const text = await tally.file!.read();
      if (text !== null) {
        const data = JSON.parse(text) as Partial<CountsFile>;
        if (data.schemaVersion !== 1 || typeof data.checks !== "number" || typeof data.benefits !== "object" || data.benefits === null) throw new Error(`not a schemaVersion 1 counts file`);
        tally.counts = { checks: data.checks, benefits: data.benefits };
      }
    } catch (error) {
      report(
        `talentbot: WARNING: ${path} could not be read (${error instanceof Error ? error.message : String(error)}); eligibility counts start at zero and the file is overwritten at the next check`,
      );
    }
    return tally;
  }

  /** One finished check: the benefits it decided and whether each applies. */
  record(decided: readonly { id: string; applies: boolean }[]): void {
    this.counts.checks++;
    for (const { id, applies } of decided) {
      const c = (this.counts.benefits[id] ??= { checked: 0, applies: 0 });
      c.checked++;
      if (applies) c.applies++;
    }
    if (this.file && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.save();
      }, 1000);
      this.timer.unref();
    }
  }

  async snapshot(): Promise<EligibilityCounts> {
    return this.current();
  }

  private current(): EligibilityCounts {
    return structuredClone(this.counts);
  }

  /** Writes pending counts now. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.save();
    }
    await this.saving;
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const data: CountsFile = { schemaVersion: 1, kind: "talentbot eligibility counts", ...this.current() };
    this.saving = this.saving
      .then(() => file.write(`${JSON.stringify(data)}\n`))
      .catch((error: unknown) => this.report(`talentbot: eligibility counts not saved to ${file.file}: ${error instanceof Error ? error.message : String(error)}`));
    return this.saving;
  }
}
