import {
  type PruneStatement,
  pruneCodes,
  pruneIdempotencyKeys,
  pruneRateLimits,
  pruneSessions,
  pruneTokens,
} from "../../storage/prune";
import { IDEMPOTENCY_TTL_MS } from "../idempotency";

/**
 * What pruning removes, one rule per table. Each rule deletes, in one bounded batch, rows that no
 * caller can need any more at `now` (the statements are in storage/prune.ts). To prune another
 * table, add one line to PRUNE_RULES.
 * Never here: audit_events (kept forever), the registry, admin tokens, signing keys (the key store
 * removes retired keys when their retention ends).
 */
export interface PruneBatch extends PruneStatement {
  /** The run's instant: every batch of one run judges by the same time. */
  now: Date;
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

export const PRUNE_RULES: PruneRule[] = [
  // Codes: a minute past expiry, once no token issued from them (their family) is kept: while one
  // is, presenting the used code again must still revoke it (RFC 6749 §4.1.2).
  { table: "authorization_codes", deleteBatch: (b) => pruneCodes(b, cutoff(b.now)) },
  // Tokens: a minute past expiry, whether rotated or revoked or not. A rotated refresh token is kept
  // until it expires, since presenting it again revokes its family (RFC 9700 §4.14.2); once expired
  // it is refused anyway.
  { table: "oauth_tokens", deleteBatch: (b) => pruneTokens(b, cutoff(b.now)) },
  { table: "login_sessions", deleteBatch: (b) => pruneSessions(b, cutoff(b.now)) },
  // Idempotency records: after their 24-hour replay window.
  {
    table: "idempotency_keys",
    deleteBatch: (b) => pruneIdempotencyKeys(b, cutoff(b.now, IDEMPOTENCY_TTL_MS)),
  },
  // Brute-force counters (login and client authentication): once their window has ended. A counter
  // whose window ended starts afresh on its next attempt, so nothing depends on the old row.
  { table: "rate_limits", deleteBatch: (b) => pruneRateLimits(b, b.now.toISOString()) },
];
