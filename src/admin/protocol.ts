/**
 * The admin endpoint's requests: POST /v1/<action> with a JSON body, answered with
 * `{ "result": … }` (200) or `{ "error": "message for staff" }` (400 a request staff can fix,
 * 401 bad token, 404 unknown action, 500 a fault in the bot). GET /v1/status answers
 * `{ "result": { "pid": n } }`.
 */
export const ADMIN_ACTIONS = ["list", "show", "reply", "promote", "dismiss", "out-of-scope", "report"] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Largest request body accepted (a long answer text fits many times). */
export const MAX_BODY_BYTES = 1024 * 1024;
