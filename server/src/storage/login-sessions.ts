import type { SqlExecutor } from "./database";

/**
 * The login_sessions table: one row per browser session, keyed by the hash of the cookie's random
 * id. Timestamps are ISO 8601 UTC strings. A request reads its session together with the registry
 * generation (generation-reads.ts).
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

export async function deleteSession(db: SqlExecutor, idHash: string): Promise<void> {
  await db.execute("DELETE FROM login_sessions WHERE id_hash = ?", [idHash]);
}
