import type { Database, SqlExecutor } from "../../storage/database";
import type { Clock } from "../clock";
import { credentialHash, randomCredential } from "./opaque";

/** How long a login session lasts. */
export const SESSION_LIFETIME_SECONDS = 8 * 60 * 60;

/** A browser login session: the cookie holds a random id; the database holds only its hash. */
export async function createSession(db: Database, clock: Clock, userId: string): Promise<string> {
  const id = randomCredential();
  const now = clock.now();
  const insert = (tx: SqlExecutor) =>
    tx.execute("INSERT INTO login_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)", [
      credentialHash(id),
      userId,
      now.toISOString(),
      new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000).toISOString(),
    ]);
  // Relaxed durability: a session lost to a power failure just means signing in again.
  await db.transaction(insert, { durability: "relaxed" });
  return id;
}

/** The user of a live session, or undefined (unknown, expired, or the user is inactive or gone). */
export async function sessionUser(
  db: SqlExecutor,
  clock: Clock,
  id: string | undefined,
): Promise<{ id: string; name: string } | undefined> {
  if (!id || id.length > 100) return undefined;
  const rows = await db.query<{ user_id: string; name: string; document: string }>(
    `SELECT s.user_id, u.name, u.document FROM login_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = ? AND s.expires_at > ?`,
    [credentialHash(id), clock.now().toISOString()],
  );
  const row = rows[0];
  if (!row || JSON.parse(row.document).active === false) return undefined;
  return { id: row.user_id, name: row.name };
}

export async function endSession(db: SqlExecutor, id: string): Promise<void> {
  await db.execute("DELETE FROM login_sessions WHERE id_hash = ?", [credentialHash(id)]);
}
