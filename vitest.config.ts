import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two workers on the two cores: most files wait on servers, browsers and child processes.
    maxWorkers: 2,
    env: { DOTENV_CONFIG_QUIET: "true" },
  },
});
