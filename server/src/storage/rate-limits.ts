import type { SqlExecutor } from "./database";

/**
 * Attempt counters in the database, so a limit holds across server processes and restarts. One row
 * per key (column `bucket`): the window it counts in (it starts at the key's first attempt and lasts `windowSeconds`)
 * and the attempts reserved in it. Every statement is a single atomic upsert or update, correct
 * under concurrency on PostgreSQL (READ COMMITTED: ON CONFLICT DO UPDATE locks the row and updates
 * its latest committed version; a concurrent reservation of the same key waits for the lock) and on
 * SQLite (one writer). Timestamps are ISO 8601 UTC strings, which compare as text.
 */
export interface Counter {
  key: string;
  /** Attempts reserved in the current window, this one included. */
  hits: number;
  windowStart: string;
  windowEnd: string;
}

/**
 * Reserves one attempt on `key` at `now`: +1 in the current window, or a fresh window of one attempt
 * when the stored one has ended. Returns the counter after the reservation.
 */
export async function reserveAttempt(
  tx: SqlExecutor,
  key: string,
  now: Date,
  windowSeconds: number,
): Promise<Counter> {
  const start = now.toISOString();
  const end = new Date(now.getTime() + windowSeconds * 1000).toISOString();
  const rows = await tx.query<{ hits: number | string; window_start: string; window_end: string }>(
    `INSERT INTO rate_limits (bucket, window_start, window_end, hits) VALUES (?, ?, ?, 1)
     ON CONFLICT (bucket) DO UPDATE SET
       hits = CASE WHEN rate_limits.window_end <= excluded.window_start THEN 1 ELSE rate_limits.hits + 1 END,
       window_end = CASE WHEN rate_limits.window_end <= excluded.window_start
         THEN excluded.window_end ELSE rate_limits.window_end END,
       window_start = CASE WHEN rate_limits.window_end <= excluded.window_start
         THEN excluded.window_start ELSE rate_limits.window_start END
     RETURNING hits, window_start, window_end`,
    [key, start, end],
  );
  const row = rows[0]!;
  return { key, hits: Number(row.hits), windowStart: row.window_start, windowEnd: row.window_end };
}

/** Gives back one reserved attempt (one that turned out not to be a failure), if its window still runs. */
export async function releaseAttempt(db: SqlExecutor, counter: Counter): Promise<void> {
  await db.execute(
    "UPDATE rate_limits SET hits = hits - 1 WHERE bucket = ? AND window_start = ? AND hits > 0",
    [counter.key, counter.windowStart],
  );
}

/** Forgets a key's attempts (a user who signed in starts afresh). */
export async function clearAttempts(db: SqlExecutor, key: string): Promise<void> {
  await db.execute("DELETE FROM rate_limits WHERE bucket = ?", [key]);
}

/** The attempts on each key in a window still running, and when that window ends; a key with none is not in the map. */
export type Attempts = Map<string, { hits: number; windowEnd: string }>;
