import type { Database, SqlExecutor } from "./database";

/**
 * The SQL of the token-signing keys (table `signing_keys`), the same text for SQLite and PostgreSQL.
 * `private_jwk` holds a sealed value (domain/oauth/keys/encryption.ts); it is read only by
 * `readSealedPrivateJwk` (to import the active key) and `readPrivateJwks` (to seal or re-encrypt the
 * rows as a whole): every other read returns the public columns. Timestamps are ISO 8601 UTC text,
 * which compares in time order. A partial unique index allows one `active` row.
 */
export interface SigningKeyRow extends Record<string, unknown> {
  kid: string;
  alg: string;
  public_jwk: string;
  status: "active" | "retired";
  created_at: string;
  retired_at: string | null;
  remove_after: string | null;
}

/** A row's kid and the stored (sealed, or clear from an older version) private JWK. */
export interface StoredPrivateJwk extends Record<string, unknown> {
  kid: string;
  private_jwk: string;
}

const PUBLIC_COLUMNS = "kid, alg, public_jwk, status, created_at, retired_at, remove_after";

/** Every key, newest first, public columns only. */
export function listSigningKeys(ex: SqlExecutor): Promise<SigningKeyRow[]> {
  return ex.query<SigningKeyRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM signing_keys ORDER BY created_at DESC, kid DESC`,
  );
}

export async function readSigningKey(ex: SqlExecutor, kid: string): Promise<SigningKeyRow | undefined> {
  const [row] = await ex.query<SigningKeyRow>(`SELECT ${PUBLIC_COLUMNS} FROM signing_keys WHERE kid = ?`, [
    kid,
  ]);
  return row;
}

/** The active key's kid and creation time, or undefined when there is none. */
export async function readActiveKey(
  ex: SqlExecutor,
): Promise<{ kid: string; created_at: string } | undefined> {
  const [row] = await ex.query<{ kid: string; created_at: string }>(
    "SELECT kid, created_at FROM signing_keys WHERE status = 'active'",
  );
  return row;
}

export async function hasActiveKey(ex: SqlExecutor): Promise<boolean> {
  const rows = await ex.query("SELECT kid FROM signing_keys WHERE status = 'active'");
  return rows.length > 0;
}

/** Adds a key as the active one; a UniqueViolation when another is active already. */
export async function insertActiveKey(
  ex: SqlExecutor,
  key: { kid: string; alg: string; sealedPrivateJwk: string; publicJwk: string; createdAt: string },
): Promise<void> {
  await ex.execute(
    `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, status, created_at, retired_at, remove_after)
     VALUES (?, ?, ?, ?, 'active', ?, NULL, NULL)`,
    [key.kid, key.alg, key.sealedPrivateJwk, key.publicJwk, key.createdAt],
  );
}

/**
 * Retires `kid` if it is still the active key. False when it is not (on PostgreSQL, a concurrent
 * rotation retired it after this transaction read it).
 */
export async function retireActiveKey(
  ex: SqlExecutor,
  kid: string,
  retiredAt: string,
  removeAfter: string,
): Promise<boolean> {
  const { rowCount } = await ex.execute(
    `UPDATE signing_keys SET status = 'retired', retired_at = ?, remove_after = ?
               WHERE kid = ? AND status = 'active'`,
    [retiredAt, removeAfter, kid],
  );
  return rowCount === 1;
}

/** Deletes the retired keys whose retention ended at or before `now`. Returns how many. */
export async function deleteExpiredKeys(ex: SqlExecutor, now: string): Promise<number> {
  const { rowCount } = await ex.execute(
    "DELETE FROM signing_keys WHERE status = 'retired' AND remove_after IS NOT NULL AND remove_after <= ?",
    [now],
  );
  return rowCount;
}

/** The stored private JWK of `kid`, or undefined when the row is gone. */
export async function readSealedPrivateJwk(ex: SqlExecutor, kid: string): Promise<string | undefined> {
  const rows = await ex.query<{ private_jwk: string }>("SELECT private_jwk FROM signing_keys WHERE kid = ?", [
    kid,
  ]);
  return rows[0]?.private_jwk;
}

/** Every row's private JWK, oldest first. */
export function readPrivateJwks(ex: SqlExecutor): Promise<StoredPrivateJwk[]> {
  return ex.query<StoredPrivateJwk>("SELECT kid, private_jwk FROM signing_keys ORDER BY created_at, kid");
}

/**
 * Replaces the private JWK of `kid` only while it still holds `current`, so that of two processes
 * rewriting a row at once only one writes. Returns how many rows changed (0 or 1).
 */
export async function replacePrivateJwk(
  ex: SqlExecutor,
  kid: string,
  current: string,
  next: string,
): Promise<number> {
  const { rowCount } = await ex.execute(
    "UPDATE signing_keys SET private_jwk = ? WHERE kid = ? AND private_jwk = ?",
    [next, kid, current],
  );
  return rowCount;
}

/**
 * In a transaction that rewrites every row: on PostgreSQL, keeps any other transaction (a rotation)
 * from adding or changing a row until it ends; SQLite's single writer does so already.
 */
export async function lockSigningKeys(db: Database, tx: SqlExecutor): Promise<void> {
  if (db.dialect === "postgres") await tx.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE");
}
