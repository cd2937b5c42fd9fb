import { CODE_LIFETIME_SECONDS } from "../../contract";
import type { Database, SqlExecutor } from "../../storage/database";
import type { Clock } from "../clock";
import { credentialHash, randomCredential } from "./opaque";

export interface CodeGrant {
  integrationId: string;
  userId: string;
  redirectUri: string;
  /** Whether the authorization request named redirect_uri (then the token request must repeat it). */
  redirectUriExplicit: boolean;
  scope: string;
  codeChallenge: string | null;
}

/**
 * Issues a one-time authorization code bound to its client, user, redirect URI and challenge.
 * Written with relaxed durability: a code lives 60 s, and a lost one just means signing in again.
 */
export async function issueCode(db: Database, clock: Clock, grant: CodeGrant): Promise<string> {
  const code = randomCredential();
  const now = clock.now();
  await db.transaction((tx) => insertCode(tx, code, now, grant), { durability: "relaxed" });
  return code;
}

async function insertCode(db: SqlExecutor, code: string, now: Date, grant: CodeGrant): Promise<void> {
  await db.execute(
    `INSERT INTO authorization_codes (code_hash, integration_id, user_id, redirect_uri, redirect_uri_explicit, scope,
       code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      credentialHash(code),
      grant.integrationId,
      grant.userId,
      grant.redirectUri,
      grant.redirectUriExplicit ? 1 : 0,
      grant.scope,
      grant.codeChallenge,
      now.toISOString(),
      new Date(now.getTime() + CODE_LIFETIME_SECONDS * 1000).toISOString(),
    ],
  );
}

interface CodeRow extends Record<string, unknown> {
  integration_id: string;
  user_id: string;
  redirect_uri: string;
  redirect_uri_explicit: number | string;
  scope: string;
  code_challenge: string | null;
  expires_at: string;
  consumed_at: string | null;
}

export interface StoredCode {
  codeHash: string;
  grant: CodeGrant;
  expiresAt: string;
  consumed: boolean;
}

/** The code's record, whatever its state (the caller checks expiry, use and bindings). */
export async function findCode(db: SqlExecutor, code: string): Promise<StoredCode | undefined> {
  const codeHash = credentialHash(code);
  const row = (
    await db.query<CodeRow>("SELECT * FROM authorization_codes WHERE code_hash = ?", [codeHash])
  )[0];
  if (!row) return undefined;
  return {
    codeHash,
    expiresAt: row.expires_at,
    consumed: row.consumed_at !== null,
    grant: {
      integrationId: row.integration_id,
      userId: row.user_id,
      redirectUri: row.redirect_uri,
      redirectUriExplicit: Number(row.redirect_uri_explicit) === 1,
      scope: row.scope,
      codeChallenge: row.code_challenge,
    },
  };
}

/**
 * Consumes a code exactly once: a conditional UPDATE that only one of any number of concurrent
 * redemptions can win. False when it was already consumed (reuse).
 */
export async function consumeCode(db: SqlExecutor, clock: Clock, codeHash: string): Promise<boolean> {
  const now = clock.now().toISOString();
  const { rowCount } = await db.execute(
    "UPDATE authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL",
    [now, codeHash],
  );
  return rowCount === 1;
}
