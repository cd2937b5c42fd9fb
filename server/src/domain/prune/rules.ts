import type { SqlExecutor } from "../../storage/database";
import { IDEMPOTENCY_TTL_MS } from "../idempotency";

/**
 * What pruning removes, one rule per table. Each rule deletes, in one bounded batch, rows that no
 * caller can need any more at `now`. To prune another table, add one line to PRUNE_RULES.
 * Never here: audit_events (kept forever), the registry, admin tokens, signing keys (the key store
 * removes retired keys when their retention ends).
 */
export interface PruneBatch {
  tx: SqlExecutor;
  /** The run's instant: every batch of one run judges by the same time. */
  now: Date;
  /** The most rows this batch may delete. */
  limit: number;
  /** Appended to the row-choosing SELECT: " FOR UPDATE SKIP LOCKED" on PostgreSQL, "" on SQLite. */
  lockRows: string;
}

export interface PruneRule {
  table: string;
  /** Deletes at most `limit` rows no longer needed at `now`; returns how many it deleted. */
  deleteBatch(batch: PruneBatch): Promise<number>;
}

/** Kept this long past their end anyway, so that server processes whose clocks differ agree. */
export const PRUNE_GRACE_MS = 60_000;

/** Rows that ended before this (`age` ms plus the grace before `now`) may go. */
export function cutoff(now: Date, ageMs = 0): string {
  return new Date(now.getTime() - PRUNE_GRACE_MS - ageMs).toISOString();
}

/** Deletes up to `limit` rows of `table` (alias r in `where`) chosen by `where`, keyed by `key`. */
export async function deleteWhere(
  batch: PruneBatch,
  table: string,
  key: string,
  where: string,
  params: unknown[],
): Promise<number> {
  const choose = `SELECT ${key} FROM ${table} r WHERE ${where} LIMIT ?${batch.lockRows}`;
  const sql = `DELETE FROM ${table} WHERE (${key}) IN (${choose})`;
  return (await batch.tx.execute(sql, [...params, batch.limit])).rowCount;
}

export const PRUNE_RULES: PruneRule[] = [
  // Codes: a minute past expiry, once no token issued from them (their family) is kept: while one
  // is, presenting the used code again must still revoke it (RFC 6749 §4.1.2).
  {
    table: "authorization_codes",
    deleteBatch: (b) =>
      deleteWhere(
        b,
        "authorization_codes",
        "code_hash",
        "r.expires_at < ? AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.family_id = r.code_hash AND t.expires_at >= ?)",
        [cutoff(b.now), cutoff(b.now)],
      ),
  },
  // Tokens: a minute past expiry, whether rotated or revoked or not. A rotated refresh token is kept
  // until it expires, since presenting it again revokes its family (RFC 9700 §4.14.2); once expired
  // it is refused anyway.
  {
    table: "oauth_tokens",
    deleteBatch: (b) => deleteWhere(b, "oauth_tokens", "id", "r.expires_at < ?", [cutoff(b.now)]),
  },
  {
    table: "login_sessions",
    deleteBatch: (b) => deleteWhere(b, "login_sessions", "id_hash", "r.expires_at < ?", [cutoff(b.now)]),
  },
  // Idempotency records: after their 24-hour replay window.
  {
    table: "idempotency_keys",
    deleteBatch: (b) =>
      deleteWhere(b, "idempotency_keys", "token_id, key_hash", "r.created_at < ?", [
        cutoff(b.now, IDEMPOTENCY_TTL_MS),
      ]),
  },
  // Brute-force counters (login and client authentication): once their window has ended. A counter
  // whose window ended starts afresh on its next attempt, so nothing depends on the old row.
  {
    table: "rate_limits",
    deleteBatch: (b) => deleteWhere(b, "rate_limits", "bucket", "r.window_end <= ?", [b.now.toISOString()]),
  },
];
