import { randomBytes } from "node:crypto";
import type { Role } from "../contract";
import type { Database, SqlExecutor } from "../storage/database";
import { uuidv7 } from "./ids";
import { hashSecret, verifySecret } from "./secrets";

/**
 * Management API tokens: `ioa_<id>_<secret>`. The id finds the row; the secret is checked against
 * its salted hash in constant time. Only the hash is stored.
 */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

const TOKEN = /^ioa_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export async function createAdminToken(
  db: SqlExecutor,
  name: string,
  role: Role,
  now: string,
): Promise<{ token: string; principal: Principal }> {
  const id = uuidv7().replaceAll("-", "");
  const secret = randomBytes(32).toString("base64url");
  await db.execute("INSERT INTO admin_tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)", [
    id,
    name,
    role,
    hashSecret(secret),
    now,
  ]);
  return { token: `ioa_${id}_${secret}`, principal: { tokenId: id, name, role } };
}

export async function authenticate(db: SqlExecutor, token: string): Promise<Principal | undefined> {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const rows = await db.query<{ name: string; role: Role; hash: string }>(
    "SELECT name, role, hash FROM admin_tokens WHERE id = ?",
    [id],
  );
  const row = rows[0];
  if (!row || !verifySecret(secret, row.hash)) return undefined;
  return { tokenId: id, name: row.name, role: row.role };
}

export async function listAdminTokens(db: SqlExecutor) {
  return db.query<{ id: string; name: string; role: Role; created_at: string }>(
    "SELECT id, name, role, created_at FROM admin_tokens ORDER BY created_at, name",
  );
}

export async function revokeAdminToken(db: SqlExecutor, name: string): Promise<boolean> {
  return (await db.execute("DELETE FROM admin_tokens WHERE name = ?", [name])).rowCount > 0;
}

export async function countAdminTokens(db: Database): Promise<number> {
  const rows = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM admin_tokens");
  return Number(rows[0]?.n ?? 0);
}
