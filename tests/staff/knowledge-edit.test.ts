import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StaffError } from "../../src/staff/errors.js";
import { readKnowledge } from "../../src/staff/knowledge-edit.js";
import { writeMiniKb } from "../helpers/mini-kb.js";

describe("readKnowledge (before a staff edit)", () => {
  it("turns files that cannot be read at all (a folder where bot.yaml should be) into a staff error in Chinese, not a crash", async () => {
    const dir = await writeMiniKb();
    await rm(join(dir, "bot.yaml"), { force: true });
    await mkdir(join(dir, "bot.yaml"));
    const refused = await readKnowledge(dir, "try again").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StaffError);
    expect((refused as StaffError).staffMessage).toMatch(/^知识库的文件无法读取（.*），所以这次没有写入；机器人仍按修改前的版本回答。/);
    expect((refused as StaffError).message).toContain("cannot be read");
  });
});
