import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../helpers/built-cli.js";
import { PROJECT_ROOT } from "../helpers/temp-dirs.js";

/**
 * A fresh process holds many objects at once, as a build does, then keeps every other one: the
 * others lived long enough to reach the old generation, whose every page is now half live. It
 * prints the heap reserved after ordinary full collections and after one more collection, done
 * by `compactHeap` or as an ordinary one. (In a fresh process: inside the test runner the
 * collector's heuristics differ from run to run.)
 */
const SCRIPT = (moduleUrl: string, mode: "compact" | "ordinary") => `
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { compactHeap } from ${JSON.stringify(moduleUrl)};
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const all = Array.from({ length: 400000 }, (_, i) => ({ values: new Array(64).fill(i), i }));
const kept = all.filter((_, i) => i % 2 === 1);
all.length = 0;
gc(); gc();
const ordinary = process.memoryUsage();
${mode === "compact" ? "compactHeap();" : "gc();"}
const after = process.memoryUsage();
console.log(JSON.stringify({ ordinary: ordinary.heapTotal, after: after.heapTotal, usedBefore: ordinary.heapUsed, usedAfter: after.heapUsed, kept: kept.length }));
`;

async function heapAfter(mode: "compact" | "ordinary") {
  const moduleUrl = pathToFileURL(join(PROJECT_ROOT, "dist", "core", "compact-heap.js")).href;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", SCRIPT(moduleUrl, mode)]);
  return JSON.parse(stdout) as { ordinary: number; after: number; usedBefore: number; usedAfter: number; kept: number };
}

beforeAll(ensureBuilt, 120_000);

describe("compactHeap", () => {
  it("gives back the pages a build left half filled, which another ordinary full collection keeps", async () => {
    const ordinary = await heapAfter("ordinary");
    const compacted = await heapAfter("compact");
    // Measured: 267 MB reserved after the ordinary collections; 267 MB after one more, 154 MB after compacting.
    expect(ordinary.after).toBeGreaterThan(0.9 * ordinary.ordinary);
    expect(compacted.after).toBeLessThan(0.7 * compacted.ordinary);
    // The same objects live in both.
    expect(compacted.usedAfter).toBeGreaterThan(0.9 * compacted.usedBefore);
    expect(compacted.kept).toBe(200_000);
  });
});
