import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StaffError } from "../../src/staff/errors.js";
import { readKnowledge } from "../../src/staff/knowledge-edit.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

describe("readKnowledge (before a staff edit)", () => {
  it("turns files that cannot be read at all (a folder where bot.yaml should be) into a staff error in Chinese naming the file, not a crash", async () => {
    const dir = await writeMiniKb();
    await rm(join(dir, "bot.yaml"), { force: true });
    await mkdir(join(dir, "bot.yaml"));
    const refused = await readKnowledge(dir, "try again").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StaffError);
    expect((refused as StaffError).staffMessage).toMatch(/^知识库现在有错误，所以这次没有写入[\s\S]*bot\.yaml：这里应该是一个文件，现在却是一个文件夹/);
    expect((refused as StaffError).staffMessage).not.toMatch(/EISDIR/);
    expect((refused as StaffError).message).toContain("bot.yaml");
  });
});

describe("readKnowledge when faq/ is gone", () => {
  it("refuses an edit while faq/ is empty or a file (it would go live as the whole knowledge base)", async () => {
    for (const breakIt of [
      async (dir: string) => rm(join(dir, "faq"), { recursive: true }).then(() => mkdir(join(dir, "faq"))),
      async (dir: string) => rm(join(dir, "faq"), { recursive: true }).then(() => writeFile(join(dir, "faq"), "x")),
    ]) {
      const dir = await writeMiniKb();
      await breakIt(dir);
      const refused = await readKnowledge(dir, "try again").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StaffError);
      expect((refused as StaffError).staffMessage).toMatch(/^知识库现在有错误，所以这次没有写入[\s\S]*faq\/：/);
    }
  });
});
