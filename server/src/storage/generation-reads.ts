import type { SqlExecutor } from "./database";
import type { Attempts } from "./rate-limits";

/**
 * The registry generation (registry-generation.ts: which view of the registry a request sees)
 * read in one statement, so in one round trip, together with what the request reads first. The
 * generation row always exists (a migration writes it), so each answer has at least one row, with
 * NULLs when nothing else matched.
 */
async function withGeneration<T extends Record<string, unknown>>(
  db: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<{ generation: number; rows: T[] }> {
  const rows = await db.query<T & { generation: number | string }>(sql, params);
  const [first] = rows;
  if (!first) throw new Error("registry_generation has no row: the database was not migrated");
  return { generation: Number(first.generation), rows };
}

/**
 * For a client-authenticated OAuth request (token, introspection, revocation): the generation and
 * the attempt counters of its keys (rate-limits.ts) in a window still running at `now`.
 */
export async function readGenerationAndAttempts(
  db: SqlExecutor,
  keys: readonly string[],
  now: Date,
): Promise<{ generation: number; attempts: Attempts }> {
  const matches = keys.length > 0 ? `r.bucket IN (${keys.map(() => "?").join(", ")})` : "1 = 0";
  const { generation, rows } = await withGeneration<{
    bucket: string | null;
    hits: number | string | null;
    window_end: string | null;
  }>(
    db,
    `SELECT g.value AS generation, r.bucket, r.hits, r.window_end
       FROM registry_generation g
       LEFT JOIN rate_limits r ON ${matches} AND r.window_end > ?
      WHERE g.id = 1`,
    [...keys, now.toISOString()],
  );
  const attempts: Attempts = new Map();
  for (const row of rows) {
    if (row.bucket !== null) attempts.set(row.bucket, { hits: Number(row.hits), windowEnd: row.window_end! });
  }
  return { generation, attempts };
}

/**
 * For a page of the authorization flow (authorize, consent): the generation and the user id of the
 * login session whose id hashes to `idHash` (login-sessions.ts), if it has not expired at `now`.
 */
export async function readGenerationAndSession(
  db: SqlExecutor,
  idHash: string,
  now: string,
): Promise<{ generation: number; userId: string | undefined }> {
  const { generation, rows } = await withGeneration<{ user_id: string | null }>(
    db,
    `SELECT g.value AS generation, s.user_id
       FROM registry_generation g
       LEFT JOIN login_sessions s ON s.id_hash = ? AND s.expires_at > ?
      WHERE g.id = 1`,
    [idHash, now],
  );
  return { generation, userId: rows[0]?.user_id ?? undefined };
}
