import type { SqlExecutor } from "./database";
import { registryChanged } from "./registry-generation";

/**
 * The admin_tokens table: management API tokens by id, with their unique name, role and the
 * salted hash of their secret (never the secret). `Role` is the contract's role type (the column
 * holds only what the domain wrote).
 */
export interface AdminTokenRow<Role extends string = string> extends Record<string, unknown> {
  id: string;
  name: string;
  role: Role;
  created_at: string;
}

export async function insertAdminToken(
  db: SqlExecutor,
  token: { id: string; name: string; role: string; hash: string; createdAt: string },
): Promise<void> {
  await db.execute("INSERT INTO admin_tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)", [
    token.id,
    token.name,
    token.role,
    token.hash,
    token.createdAt,
  ]);
}

/** The token's name, role and secret hash, by id. */
export async function findAdminToken<Role extends string>(
  db: SqlExecutor,
  id: string,
): Promise<{ name: string; role: Role; hash: string } | undefined> {
  const rows = await db.query<{ name: string; role: Role; hash: string }>(
    "SELECT name, role, hash FROM admin_tokens WHERE id = ?",
    [id],
  );
  return rows[0];
}

/** Every token (never its hash), oldest first. */
export async function selectAdminTokens<Role extends string>(
  db: SqlExecutor,
): Promise<AdminTokenRow<Role>[]> {
  return db.query<AdminTokenRow<Role>>(
    "SELECT id, name, role, created_at FROM admin_tokens ORDER BY created_at, name",
  );
}

/**
 * Deletes the token of this name; false when there was none. A deletion moves the registry
 * generation, which every process's cache of verified tokens is kept by (http/auth.ts): run it in
 * a transaction, so that both commit together.
 */
export async function deleteAdminToken(tx: SqlExecutor, name: string): Promise<boolean> {
  const deleted = (await tx.execute("DELETE FROM admin_tokens WHERE name = ?", [name])).rowCount > 0;
  if (deleted) await registryChanged(tx);
  return deleted;
}

export async function countAdminTokenRows(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM admin_tokens");
  return Number(rows[0]?.n ?? 0);
}
