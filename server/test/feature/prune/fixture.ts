// Rows of the pruned tables written directly, with chosen times, for the prune tests: one
// integration and one user (for the foreign keys) made through the management API.
import { randomUUID } from "node:crypto";
import type { SqlExecutor } from "../../../src/storage/database";
import { createIntegration, createUser } from "../../helpers/oauth-flow";
import type { TestApp } from "../../helpers/test-app";

export const PRUNED_TABLES = ["authorization_codes", "oauth_tokens", "login_sessions", "idempotency_keys"];

/** The integration and user the rows belong to (ids), and the database they are written to. */
export interface Owners {
  db: SqlExecutor;
  integrationId: string;
  redirectUri: string;
  userId: string;
}

export async function owners(t: TestApp): Promise<Owners> {
  const client = await createIntegration(t, "Prune app");
  const user = await createUser(t, "pruned-user");
  return { db: t.store.db, integrationId: client.id, redirectUri: client.redirectUrls[0]!, userId: user.id };
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertCode(
  o: Owners,
  row: { hash: string; expires: number; consumed: boolean },
): Promise<void> {
  await o.db.execute(
    `INSERT INTO authorization_codes (code_hash, integration_id, user_id, redirect_uri, redirect_uri_explicit, scope,
       code_challenge, created_at, expires_at, consumed_at) VALUES (?, ?, ?, ?, 0, '', NULL, ?, ?, ?)`,
    [
      row.hash,
      o.integrationId,
      o.userId,
      o.redirectUri,
      iso(row.expires - 60_000),
      iso(row.expires),
      row.consumed ? iso(row.expires - 30_000) : null,
    ],
  );
}

export async function insertToken(
  o: Owners,
  row: { family: string; kind: "access" | "refresh"; expires: number; rotated: boolean; revoked: boolean },
): Promise<string> {
  const id = randomUUID();
  await o.db.execute(
    `INSERT INTO oauth_tokens (id, kind, token_hash, integration_id, user_id, scope, family_id, created_at, expires_at,
       rotated_at, revoked_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
    [
      id,
      row.kind,
      `hash-${id}`,
      o.integrationId,
      o.userId,
      row.family,
      iso(row.expires - 3_600_000),
      iso(row.expires),
      row.rotated ? iso(row.expires - 1_800_000) : null,
      row.revoked ? iso(row.expires - 1_000_000) : null,
    ],
  );
  return id;
}

export async function insertSession(o: Owners, row: { hash: string; expires: number }) {
  await o.db.execute(
    "INSERT INTO login_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    [row.hash, o.userId, iso(row.expires - 8 * 3_600_000), iso(row.expires)],
  );
}

export async function insertIdempotency(o: Owners, row: { token: string; hash: string; created: number }) {
  await o.db.execute(
    `INSERT INTO idempotency_keys (token_id, key_hash, request_hash, salt, sealed_response, created_at)
     VALUES (?, ?, 'r', 's', 'sealed', ?)`,
    [row.token, row.hash, iso(row.created)],
  );
}

export async function clearPruned(db: SqlExecutor): Promise<void> {
  for (const table of PRUNED_TABLES) await db.execute(`DELETE FROM ${table}`);
}

export async function keys(db: SqlExecutor, table: string, key: string): Promise<string[]> {
  const rows = await db.query<Record<string, string>>(`SELECT ${key} AS k FROM ${table}`);
  return rows.map((row) => row.k!).sort();
}

export async function counts(db: SqlExecutor): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of PRUNED_TABLES) {
    const rows = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
    result[table] = Number(rows[0]!.n);
  }
  return result;
}
