import type { SqlExecutor } from "./database";
import { decodeRecord } from "./records/decode";
import { type RecordMeta, type RecordRow, type RecordTable, recordColumns } from "./records/table";

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

/**
 * The user record of the session, in one query, if the session has not expired at `now`. `users`
 * is the user kind's table, which has no reference fields.
 */
export async function findSessionUser<R extends RecordMeta>(
  db: SqlExecutor,
  users: RecordTable,
  idHash: string,
  now: string,
): Promise<R | undefined> {
  const rows = await db.query<RecordRow>(
    `SELECT ${recordColumns(users, "u")} FROM login_sessions s JOIN ${users.table} u ON u.id = s.user_id
     WHERE s.id_hash = ? AND s.expires_at > ?`,
    [idHash, now],
  );
  const row = rows[0];
  return row && decodeRecord<R>(users, row).record;
}

export async function deleteSession(db: SqlExecutor, idHash: string): Promise<void> {
  await db.execute("DELETE FROM login_sessions WHERE id_hash = ?", [idHash]);
}
