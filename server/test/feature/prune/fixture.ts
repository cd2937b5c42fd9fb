// Rows of the pruned tables written directly, with chosen times, for the prune tests: one
// integration and one user (for the foreign keys) made through the management API.
import { randomUUID } from "node:crypto";
import { createIntegration, createUser, type TestClient, type TestUser } from "../../helpers/oauth-flow";
import type { TestApp } from "../../helpers/test-app";

export const PRUNED_TABLES = ["authorization_codes", "oauth_tokens", "login_sessions", "idempotency_keys"];

export interface Owners {
  client: TestClient;
  user: TestUser;
}

export async function owners(t: TestApp): Promise<Owners> {
  return { client: await createIntegration(t, "Prune app"), user: await createUser(t, "pruned-user") };
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertCode(
  t: TestApp,
  o: Owners,
  row: { hash: string; expires: number; consumed: boolean },
): Promise<void> {
  await t.store.db.execute(
    `INSERT INTO authorization_codes (code_hash, integration_id, user_id, redirect_uri, redirect_uri_explicit, scope,
       code_challenge, created_at, expires_at, consumed_at) VALUES (?, ?, ?, ?, 0, '', NULL, ?, ?, ?)`,
    [
      row.hash,
      o.client.id,
      o.user.id,
      o.client.redirectUrls[0],
      iso(row.expires - 60_000),
      iso(row.expires),
      row.consumed ? iso(row.expires - 30_000) : null,
    ],
  );
}

export async function insertToken(
  t: TestApp,
  o: Owners,
  row: { family: string; kind: "access" | "refresh"; expires: number; rotated: boolean; revoked: boolean },
): Promise<string> {
  const id = randomUUID();
  await t.store.db.execute(
    `INSERT INTO oauth_tokens (id, kind, token_hash, integration_id, user_id, scope, family_id, created_at, expires_at,
       rotated_at, revoked_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
    [
      id,
      row.kind,
      `hash-${id}`,
      o.client.id,
      o.user.id,
      row.family,
      iso(row.expires - 3_600_000),
      iso(row.expires),
      row.rotated ? iso(row.expires - 1_800_000) : null,
      row.revoked ? iso(row.expires - 1_000_000) : null,
    ],
  );
  return id;
}

export async function insertSession(t: TestApp, o: Owners, row: { hash: string; expires: number }) {
  await t.store.db.execute(
    "INSERT INTO login_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    [row.hash, o.user.id, iso(row.expires - 8 * 3_600_000), iso(row.expires)],
  );
}

export async function insertIdempotency(t: TestApp, row: { token: string; hash: string; created: number }) {
  await t.store.db.execute(
    `INSERT INTO idempotency_keys (token_id, key_hash, request_hash, salt, sealed_response, created_at)
     VALUES (?, ?, 'r', 's', 'sealed', ?)`,
    [row.token, row.hash, iso(row.created)],
  );
}

export async function clearPruned(t: TestApp): Promise<void> {
  for (const table of PRUNED_TABLES) await t.store.db.execute(`DELETE FROM ${table}`);
}

export async function keys(t: TestApp, table: string, key: string): Promise<string[]> {
  const rows = await t.store.db.query<Record<string, string>>(`SELECT ${key} AS k FROM ${table}`);
  return rows.map((row) => row.k!).sort();
}

export async function counts(t: TestApp): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of PRUNED_TABLES) {
    const rows = await t.store.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
    result[table] = Number(rows[0]!.n);
  }
  return result;
}
