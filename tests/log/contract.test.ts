import { afterAll, beforeAll } from "vitest";
import { EmbeddedStore } from "../../src/log/embedded-store.js";
import { MemoryStore } from "../../src/log/memory-store.js";
import { PgStore } from "../../src/log/pg-store.js";
import { TestPostgres } from "../helpers/postgres.js";
import { storageContract } from "./contract.js";
import { useTempDirs } from "./helpers.js";

const tempDir = useTempDirs();

storageContract("memory", { fresh: async () => ({ store: new MemoryStore() }) });

storageContract("embedded (lowdb files)", {
  fresh: async () => {
    const dataDir = await tempDir();
    return { store: await EmbeddedStore.open(dataDir), reopen: () => EmbeddedStore.open(dataDir) };
  },
});

// A real PostgreSQL server (never a mock); if it cannot start, these tests fail and say why.
let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await TestPostgres.start();
});
afterAll(async () => {
  await server?.stop();
});

storageContract("PostgreSQL", {
  fresh: async () => {
    if (!server) throw new Error("the test PostgreSQL did not start (see the error of beforeAll)");
    const url = await server.createDatabase();
    return { store: await PgStore.open(url), reopen: () => PgStore.open(url) };
  },
});
