import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh directory under the OS temp dir, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const created: string[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), "talentbot-test-"));
    created.push(dir);
    return dir;
  };
}

/** A copy of the shipped knowledge/ in `parent`, for tests that write FAQ files. */
export async function copyShippedKnowledge(parent: string): Promise<string> {
  const dir = join(parent, "knowledge");
  await cp(join(PROJECT_ROOT, "knowledge"), dir, { recursive: true });
  return dir;
}
