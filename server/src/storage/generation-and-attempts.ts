import type { SqlExecutor } from "./database";
import type { Attempts } from "./rate-limits";

/**
 * What a client-authenticated OAuth request (token, introspection, revocation) reads first, in
 * one statement, so in one round trip: the registry generation (which view of the registry the
 * request sees, registry-generation.ts) and the attempt counters of its keys (rate-limits.ts) in a
 * window still running at `now`. The generation row always exists (a migration writes it), so the
 * answer has one row per counter found, or one row with no counter.
 */
export async function readGenerationAndAttempts(
  db: SqlExecutor,
  keys: readonly string[],
  now: Date,
): Promise<{ generation: number; attempts: Attempts }> {
  const matches = keys.length > 0 ? `r.bucket IN (${keys.map(() => "?").join(", ")})` : "1 = 0";
  const rows = await db.query<{
    generation: number | string;
    bucket: string | null;
    hits: number | string | null;
    window_end: string | null;
  }>(
    `SELECT g.value AS generation, r.bucket, r.hits, r.window_end
       FROM registry_generation g
       LEFT JOIN rate_limits r ON ${matches} AND r.window_end > ?
      WHERE g.id = 1`,
    [...keys, now.toISOString()],
  );
  const [first] = rows;
  if (!first) throw new Error("registry_generation has no row: the database was not migrated");
  const attempts: Attempts = new Map();
  for (const row of rows) {
    if (row.bucket !== null) attempts.set(row.bucket, { hits: Number(row.hits), windowEnd: row.window_end! });
  }
  return { generation: Number(first.generation), attempts };
}
