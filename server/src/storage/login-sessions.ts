import type { SqlExecutor } from "./database";

/**
 * The login_sessions table: one row per browser session, keyed by the hash of the cookie's random
 * id. Timestamps are ISO 8601 UTC strings.
 */
export async function insertSession(
  db: SqlExecutor,
  session: { idHash: string; userId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db.execute(
    "INSERT INTO login_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    [session.idHash, session.userId, session.createdAt, session.expiresAt],
  );
}

/** The session's user (id, name and record document) if the session has not expired at `now`. */
export async function findLiveSession(
  db: SqlExecutor,
  idHash: string,
  now: string,
): Promise<{ user_id: string } | undefined> {
  const rows = await db.query<{ user_id: string }>(
    "SELECT user_id FROM login_sessions WHERE id_hash = ? AND expires_at > ?",
    [idHash, now],
  );
  return rows[0];
}

export async function deleteSession(db: SqlExecutor, idHash: string): Promise<void> {
  await db.execute("DELETE FROM login_sessions WHERE id_hash = ?", [idHash]);
}
