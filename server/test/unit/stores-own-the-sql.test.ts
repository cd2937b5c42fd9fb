import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Stores own the SQL: every statement the server runs is written in server/src/storage/ (one store
 * per table family: records, oauth-tokens, authorization-codes, login-sessions, signing-keys,
 * admin-tokens, idempotency, audit-events, rate-limits, prune). The domain, http, routes and the
 * process call the stores. Scanned in every source file outside storage/: the start of a statement.
 */
const SRC = join(__dirname, "..", "..", "src");
const STATEMENT =
  /\b(SELECT\s+(\*|\$\{|[A-Za-z0-9_.]+[\s,(])|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("no SQL statement is written outside server/src/storage", () => {
  const files = sources(SRC).map((file) => relative(SRC, file));
  expect(files.filter((file) => file.startsWith("storage/")).length).toBeGreaterThan(0);
  const withSql = files
    .filter((file) => !file.startsWith("storage/"))
    .filter((file) => STATEMENT.test(readFileSync(join(SRC, file), "utf8")));
  expect(withSql).toEqual([]);
});

test("the statement pattern finds each kind of statement the stores write", () => {
  for (const sql of [
    "SELECT * FROM oauth_tokens WHERE id = ?",
    "SELECT name, role, hash FROM admin_tokens WHERE id = ?",
    "SELECT COUNT(*) AS n FROM admin_tokens",
    `SELECT \${columns} FROM users u WHERE u.id = ?`,
    "SELECT s.user_id FROM login_sessions s",
    "INSERT INTO login_sessions (id_hash) VALUES (?)",
    "UPDATE oauth_tokens SET revoked_at = ? WHERE id = ?",
    "DELETE FROM rate_limits WHERE bucket = ?",
  ]) {
    expect(STATEMENT.test(sql)).toBe(true);
  }
  // Prose is not a statement.
  expect(STATEMENT.test("Select the integration, then update it.")).toBe(false);
});
