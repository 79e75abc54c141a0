import { mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LiveEngine, type ReloadReport } from "../../src/core/live-engine.js";
import { knowledgeHash } from "../../src/core/model-file.js";
import { KnowledgeError } from "../../src/knowledge/errors.js";
import { writeMiniKb } from "../helpers/mini-kb.js";
import { waitFor } from "../helpers/bot-harness.js";

const apartment = (body = "人才公寓向住建部门申请，租金减半。") =>
  ["---", "schemaVersion: 1", "id: talent-apartment", "question: 人才公寓怎么申请？", "alternates:", "  - 怎样申请人才公寓", "sample: false", "---", body].join("\n");

describe("knowledge reload", () => {
  it("keeps serving the previous knowledge base when an edit breaks it, and takes the fixed one", async () => {
    const dir = await writeMiniKb();
    const live = await LiveEngine.open(dir);
    const before = live.engine;
    expect(before.faq("talent-apartment")).toBeUndefined();

    expect(await live.reload()).toEqual({ ok: true, changed: false, faqs: 2 });

    await writeFile(join(dir, "faq/talent-apartment.md"), apartment().replace("question: 人才公寓怎么申请？", "question: [人才公寓怎么申请"), "utf8");
    const broken = await live.reload();
    expect(broken.ok).toBe(false);
    expect(broken.changed).toBe(true);
    if (!broken.ok) expect(broken.problems.map((p) => p.file)).toEqual(["faq/talent-apartment.md"]);
    expect(live.engine).toBe(before); // still the old index
    expect((await live.engine.ask("人才子女入学需要什么材料？")).faqId).toBe("enroll-materials");
    expect((await live.reload()).changed).toBe(false); // the same broken files are reported once

    await writeFile(join(dir, "faq/talent-apartment.md"), apartment(), "utf8");
    expect(await live.reload()).toEqual({ ok: true, changed: true, faqs: 3 });
    const answer = await live.engine.ask("人才公寓怎么申请？");
    expect(answer.status).toBe("answered");
    expect(answer.faqId).toBe("talent-apartment");
    live.close();
  });

  it("reloads by itself when a file changes, and reports a broken edit", async () => {
    const dir = await writeMiniKb();
    const live = await LiveEngine.open(dir, { debounceMs: 50, pollMs: 200 });
    const reports: ReloadReport[] = [];
    live.watch((r) => reports.push(r));
    await writeFile(join(dir, "faq/talent-apartment.md"), apartment(), "utf8");
    await waitFor(() => reports.some((r) => r.ok), "a reload");
    expect((await live.engine.ask("人才公寓怎么申请？")).faqId).toBe("talent-apartment");

    await writeFile(join(dir, "bot.yaml"), "schemaVersion: 1\nbotName: [", "utf8");
    await waitFor(() => reports.some((r) => !r.ok), "a failed reload");
    expect(live.engine.kb.bot.botName).toBe("测试助手");
    expect((await live.engine.ask("人才公寓怎么申请？")).faqId).toBe("talent-apartment");
    live.close();
  });

  it("says the broken state is over when the original file is put back with mv (same size and time)", async () => {
    const dir = await writeMiniKb();
    const live = await LiveEngine.open(dir, { debounceMs: 50, pollMs: 200 });
    const reports: ReloadReport[] = [];
    live.watch((r) => reports.push(r));
    const file = join(dir, "faq/housing-subsidy.md");
    const backup = join(await mkdtemp(join(tmpdir(), "talentbot-backup-")), "housing-subsidy.md");
    await rename(file, backup); // keeps size and modification time
    await writeFile(file, (await readFile(backup, "utf8")).replace("question: 购房补贴怎么申请？", "question: [购房补贴"), "utf8");
    await waitFor(() => reports.some((r) => !r.ok), "the failed reload");
    expect(live.failedReload?.problems.map((p) => p.file)).toEqual(["faq/housing-subsidy.md"]);

    await rename(backup, file);
    await waitFor(() => reports.some((r) => r.ok && r.changed), "the recovery to be reported");
    expect(live.failedReload).toBeUndefined();
    expect((await live.engine.ask("购房补贴怎么申请？")).faqId).toBe("housing-subsidy");
    live.close();
  });

  it("answers with the stale model at once after an edit and swaps in a refitted one, unless told not to refit", async () => {
    for (const refitInBackground of [true, false]) {
      const dir = await writeMiniKb();
      const live = await LiveEngine.open(dir, { refitInBackground });
      const fitted = live.engine.options.model!;
      expect(fitted.knowledgeHash).toBe(knowledgeHash(live.engine.kb));
      await writeFile(join(dir, "faq/talent-apartment.md"), apartment(), "utf8");
      expect((await live.reload()).ok).toBe(true);
      // The new entry is answerable at once, with the model fitted on the old knowledge.
      expect(live.engine.faq("talent-apartment")).toBeDefined();
      expect(live.engine.options.model!.knowledgeHash).toBe(fitted.knowledgeHash);
      await live.refitted;
      const now = live.engine.options.model!.knowledgeHash;
      expect(now === knowledgeHash(live.engine.kb), `refitInBackground ${refitInBackground}`).toBe(refitInBackground);
      live.close();
    }
  });

  it("refuses to start on a broken knowledge base, naming the problems", async () => {
    const dir = await writeMiniKb({ "bot.yaml": null });
    await expect(LiveEngine.open(dir)).rejects.toBeInstanceOf(KnowledgeError);
  });
});
