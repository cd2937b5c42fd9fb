import type { SpendStatement, SqlExecutor } from "./database";

/**
 * The authorization_codes table: one row per code, keyed by the code's hash (which is also the
 * family id of the tokens issued from it). Timestamps are ISO 8601 UTC strings.
 */
export interface CodeRow extends Record<string, unknown> {
  code_hash: string;
  integration_id: string;
  user_id: string;
  redirect_uri: string;
  /** 1 or 0; a driver may return it as a string, so compare with Number(). */
  redirect_uri_explicit: number | string;
  scope: string;
  code_challenge: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface NewCode {
  codeHash: string;
  integrationId: string;
  userId: string;
  redirectUri: string;
  redirectUriExplicit: boolean;
  scope: string;
  codeChallenge: string | null;
  createdAt: string;
  expiresAt: string;
}

export async function insertCode(db: SqlExecutor, code: NewCode): Promise<void> {
  await db.execute(
    `INSERT INTO authorization_codes (code_hash, integration_id, user_id, redirect_uri, redirect_uri_explicit, scope,
       code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      code.codeHash,
      code.integrationId,
      code.userId,
      code.redirectUri,
      code.redirectUriExplicit ? 1 : 0,
      code.scope,
      code.codeChallenge,
      code.createdAt,
      code.expiresAt,
    ],
  );
}

/** The code with this hash, whatever its state. */
export async function findCodeByHash(db: SqlExecutor, codeHash: string): Promise<CodeRow | undefined> {
  return (await db.query<CodeRow>("SELECT * FROM authorization_codes WHERE code_hash = ?", [codeHash]))[0];
}

/**
 * Marks a code consumed at `at`: a conditional UPDATE that only one of any number of concurrent
 * redemptions can win (it changes no row when the code was already consumed).
 */
export function consumeCodeStatement(codeHash: string, at: string): SpendStatement {
  return {
    sql: "UPDATE authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL",
    params: [at, codeHash],
  };
}
