import type { Database, SqlExecutor } from "./database";

/**
 * The statements that prune expired OAuth state, one per table, each deleting at most `limit`
 * rows in one statement. The domain (domain/prune/rules.ts) decides the cutoffs; these only
 * delete what ended before them. On PostgreSQL the rows are chosen FOR UPDATE SKIP LOCKED, so
 * concurrent prunes (and token traffic) skip each other's rows instead of waiting or deadlocking.
 */
export interface PruneStatement {
  tx: SqlExecutor;
  dialect: Database["dialect"];
  /** The most rows to delete. */
  limit: number;
}

/** Any constant: the advisory lock that lets one batch at a time prune, across server processes. */
const PRUNE_LOCK = 7_240_614;

/** On PostgreSQL, waits for the transaction-scoped advisory lock of pruning (none on SQLite). */
export async function lockPruning(tx: SqlExecutor, dialect: Database["dialect"]): Promise<void> {
  if (dialect === "postgres") await tx.query(`SELECT pg_advisory_xact_lock(${PRUNE_LOCK})`);
}

/** Deletes up to `limit` rows of `table` (alias r in `where`) chosen by `where`, keyed by `key`. */
async function deleteWhere(
  s: PruneStatement,
  table: string,
  key: string,
  where: string,
  params: unknown[],
): Promise<number> {
  const lockRows = s.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  const choose = `SELECT ${key} FROM ${table} r WHERE ${where} LIMIT ?${lockRows}`;
  const sql = `DELETE FROM ${table} WHERE (${key}) IN (${choose})`;
  return (await s.tx.execute(sql, [...params, s.limit])).rowCount;
}

/** Codes that expired before `before` and from which no token expiring at `before` or later was issued. */
export const pruneCodes = (s: PruneStatement, before: string) =>
  deleteWhere(
    s,
    "authorization_codes",
    "code_hash",
    "r.expires_at < ? AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.family_id = r.code_hash AND t.expires_at >= ?)",
    [before, before],
  );

/** Tokens that expired before `before`, whatever their state. */
export const pruneTokens = (s: PruneStatement, before: string) =>
  deleteWhere(s, "oauth_tokens", "id", "r.expires_at < ?", [before]);

/** Login sessions that expired before `before`. */
export const pruneSessions = (s: PruneStatement, before: string) =>
  deleteWhere(s, "login_sessions", "id_hash", "r.expires_at < ?", [before]);

/** Idempotency records created before `before`. */
export const pruneIdempotencyKeys = (s: PruneStatement, before: string) =>
  deleteWhere(s, "idempotency_keys", "token_id, key_hash", "r.created_at < ?", [before]);

/** Attempt counters whose window ended at `at` or earlier. */
export const pruneRateLimits = (s: PruneStatement, at: string) =>
  deleteWhere(s, "rate_limits", "bucket", "r.window_end <= ?", [at]);
