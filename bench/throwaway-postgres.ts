import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * A real, throw-away PostgreSQL server for tests and the bench: `initdb` into a temp directory and
 * `pg_ctl start` on a free port of 127.0.0.1, run as the `postgres` user when the tests run
 * as root (PostgreSQL refuses to run as root). Never a mock. Needs Debian's `postgresql`
 * package (`.ci/run` installs it); without it, start() fails with what to install.
 */
export class ThrowawayPostgres {
  private dbCount = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly asPostgres: boolean,
  ) {}

  static async start(): Promise<ThrowawayPostgres> {
    const bin = findBinaries();
    const asPostgres = process.getuid?.() === 0;
    const dir = await mkdtemp(join(tmpdir(), "talentbot-pg-"));
    if (asPostgres) {
      const { stdout } = await run("id", ["-u", "postgres"]).catch(() => {
        throw new Error("PostgreSQL tests run as root need the `postgres` system user (created by Debian's postgresql package): apt-get install postgresql");
      });
      const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
      await chown(dir, Number(stdout.trim()), gid);
    }
    const server = new ThrowawayPostgres(dir, await freePort(), bin, asPostgres);
    try {
      await server.exec("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
      await server.startServer();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`could not start a throw-away PostgreSQL in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return server;
  }

  /** postgres:// URL of a new, empty database on this server. */
  async createDatabase(): Promise<string> {
    const name = `t${process.pid}_${++this.dbCount}`;
    const client = new pg.Client({ connectionString: this.url("postgres") });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Stops the server at once (connections see it go away), keeping its files. */
  async stopServer(): Promise<void> {
    await this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-m", "immediate", "-w", "stop"]);
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    try {
      await this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-o", options, "-l", join(this.dir, "server.log"), "-w", "-t", "30", "start"]);
    } catch (error) {
      const log = await readFile(join(this.dir, "server.log"), "utf8").catch(() => "");
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log.slice(-2000)}`);
    }
  }

  async stop(): Promise<void> {
    await this.stopServer().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (this.asPostgres) await run("runuser", ["-u", "postgres", "--", path, ...args], { cwd: this.dir });
    else await run(path, args, { cwd: this.dir });
  }
}

function findBinaries(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): these tests need a real server. " +
        "Install it with: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql (.ci/run does this).",
    );
  }
  return join(root, newest, "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
