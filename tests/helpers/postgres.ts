// The throw-away PostgreSQL server lives in bench/ (the bench uses it too); tests use it under this name.
export { ThrowawayPostgres as TestPostgres } from "../../bench/throwaway-postgres.js";
