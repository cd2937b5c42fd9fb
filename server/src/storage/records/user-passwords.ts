import type { SqlExecutor } from "../database";
import { decodeRecord } from "./decode";
import { type RecordMeta, type RecordRow, type RecordTable, recordColumns } from "./table";

/** A user's password hash (scrypt), kept apart from the record in user_passwords. */
export async function passwordHash(ex: SqlExecutor, userId: string): Promise<string | undefined> {
  const rows = await ex.query<{ hash: string }>("SELECT hash FROM user_passwords WHERE user_id = ?", [
    userId,
  ]);
  return rows[0]?.hash;
}

export async function storePasswordHash(tx: SqlExecutor, userId: string, hash: string, now: string) {
  await tx.execute(
    `INSERT INTO user_passwords (user_id, hash, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
    [userId, hash, now],
  );
}

/** Ends the user's login sessions (after a password change or deactivation). */
export async function endUserSessions(tx: SqlExecutor, userId: string): Promise<void> {
  await tx.execute("DELETE FROM login_sessions WHERE user_id = ?", [userId]);
}

/**
 * The user record named `name` with its password hash (null without one), in one query, for a
 * login check. `users` is the user kind's table, which has no reference fields.
 */
export async function findUserWithHash<R extends RecordMeta>(
  ex: SqlExecutor,
  users: RecordTable,
  name: string,
): Promise<{ user: R; hash: string | null } | undefined> {
  const rows = await ex.query<RecordRow & { hash: string | null }>(
    `SELECT ${recordColumns(users, "u")}, p.hash FROM ${users.table} u LEFT JOIN user_passwords p ON p.user_id = u.id WHERE u.name = ?`,
    [name],
  );
  const row = rows[0];
  return row && { user: decodeRecord<R>(users, row).record, hash: row.hash };
}
