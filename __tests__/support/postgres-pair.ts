import { missingPostgresTool } from "../../lib/drill/local-postgres-pair";

export { PgEndpoint, PgNode, PostgresPair } from "../../lib/drill/local-postgres-pair";

/**
 * The tests that need PostgreSQL fail (never skip) when it is missing: CI
 * installs it in .ci/run.
 */
export function requirePostgres(): void {
  const missing = missingPostgresTool();
  if (missing)
    throw new Error(
      `These tests need PostgreSQL 15 (${missing} is missing); install Debian's postgresql package${process.env.CI ? " in .ci/run" : ""}.`,
    );
}
