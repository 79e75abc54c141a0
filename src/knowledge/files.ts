import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { KnowledgeProblem } from "./errors.js";

/**
 * The files of one knowledge base, read for checking: a file or folder that exists but cannot be
 * read (a folder where a file belongs, a file where a folder belongs, no permission) becomes a
 * problem naming it, in both languages, instead of an error without a file name.
 */
export class KnowledgeFiles {
  /** Files and folders already named by a problem: listing and reading one must not say it twice. */
  private readonly reportedPaths = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly problems: KnowledgeProblem[],
  ) {}

  /** Every file under `sub` ending in `ext`, sorted, relative to `sub` with forward slashes. A folder named like one is a problem. */
  async list(sub: string, ext: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(join(this.dir, sub), { recursive: true, withFileTypes: true });
    } catch (error) {
      if (codeOf(error) === "ENOENT") return [];
      this.report(unreadable(`${sub}/`, error, "folder"));
      return [];
    }
    const rel = (e: (typeof entries)[number]) => relative(join(this.dir, sub), join(e.parentPath, e.name)).split(sep).join("/");
    for (const e of entries) if (e.isDirectory() && e.name.endsWith(ext)) this.report(unreadable(`${sub}/${rel(e)}`, Object.assign(new Error("is a folder"), { code: "EISDIR" }), "file"));
    return entries
      .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.startsWith("."))
      .map(rel)
      .sort();
  }

  /** The text of `file` (relative to the knowledge base); undefined when it is absent or cannot be read (then a problem says why). */
  async read(file: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, file), "utf8");
    } catch (error) {
      if (codeOf(error) === "ENOENT") return undefined;
      this.report(unreadable(file, error, "file"));
      return undefined;
    }
  }

  /** Whether a problem already names `file` (it exists but cannot be read). */
  reported(file: string): boolean {
    return this.reportedPaths.has(file);
  }

  private report(problem: KnowledgeProblem): void {
    if (this.reportedPaths.has(problem.file)) return;
    this.reportedPaths.add(problem.file);
    this.problems.push(problem);
  }
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function unreadable(file: string, error: unknown, expected: "file" | "folder"): KnowledgeProblem {
  const code = codeOf(error);
  if (code === "EISDIR") {
    return {
      file,
      message: "is a folder, not a file",
      fix: "move the folder away and put the file back",
      zh: { message: "这里应该是一个文件，现在却是一个文件夹", fix: "把这个文件夹移走或改名，再把原来的文件放回这里" },
    };
  }
  if (code === "ENOTDIR") {
    return {
      file,
      message: "is a file, not a folder",
      fix: "move the file away; this name is the folder of the knowledge base's files",
      zh: { message: "这里应该是一个文件夹，现在却是一个文件", fix: "把这个文件移走或改名；这个名字是知识库存放文件的文件夹" },
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      file,
      message: `cannot be read (no permission to read this ${expected})`,
      fix: "let the account that runs the bot read it (chmod / chown)",
      zh: { message: "没有读取权限", fix: "请系统管理员修改权限，让运行机器人的账号可以读取" },
    };
  }
  const why = error instanceof Error ? error.message : String(error);
  return { file, message: `cannot be read (${why})`, fix: `check the ${expected} on disk`, zh: { message: `无法读取（${why}）`, fix: "请系统管理员检查这个文件" } };
}
