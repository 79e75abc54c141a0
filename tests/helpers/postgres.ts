// The throw-away PostgreSQL server lives in src/bench (the bench uses it too); tests use it under this name.
export { ThrowawayPostgres as TestPostgres } from "../../src/bench/throwaway-postgres.js";
