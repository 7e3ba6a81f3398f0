/**
 * Environment variables holding the Aiven token, in order of preference (the
 * provider's first, then avn's). A module of its own: every front end redacts
 * them, and most must not load the HTTP client to do so.
 */
export const TOKEN_VARIABLES = ["AIVEN_TOKEN", "AIVEN_AUTH_TOKEN"] as const;
