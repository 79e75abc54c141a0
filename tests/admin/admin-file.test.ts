import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAdminFile, writeAdminFile } from "../../src/admin/admin-file.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

const tempDir = useTempDirs();

describe("admin.json", () => {
  it("is written 0600 and clears the temp file a killed bot left behind", async () => {
    const dataDir = await tempDir();
    const gonePid = 2 ** 22 + 11; // above Linux's pid_max default: no such process
    await writeFile(join(dataDir, `admin.json.${gonePid}.tmp`), '{"schemaVersion": 1, "pid"');
    const content = { schemaVersion: 1 as const, pid: process.pid, url: "http://127.0.0.1:1", token: "t", knowledgeDir: "/k", startedAt: new Date().toISOString() };
    await writeAdminFile(dataDir, content);
    expect(await readdir(dataDir)).toEqual(["admin.json"]);
    expect((await stat(join(dataDir, "admin.json"))).mode & 0o777).toBe(0o600);
    expect(await readAdminFile(dataDir)).toMatchObject({ pid: process.pid, token: "t" });
  });
});
