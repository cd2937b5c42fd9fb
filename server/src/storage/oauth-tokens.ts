import type { SpendStatement, SqlExecutor } from "./database";

/**
 * The oauth_tokens table: every access and refresh token issued, by id (a JWT's jti) and, for
 * opaque access tokens and refresh tokens, by the SHA-256 of the token. Tokens of one grant share
 * `family_id` (the hash of the code they came from). Timestamps are ISO 8601 UTC strings.
 */
export interface TokenRow extends Record<string, unknown> {
  id: string;
  kind: "access" | "refresh";
  integration_id: string;
  user_id: string;
  scope: string;
  family_id: string;
  created_at: string;
  expires_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
}

export interface NewToken {
  id: string;
  kind: "access" | "refresh";
  hash: string | null;
  integrationId: string;
  userId: string;
  scope: string;
  familyId: string;
  createdAt: string;
  expiresAt: string;
}

const TOKEN_COLUMNS =
  "id, kind, token_hash, integration_id, user_id, scope, family_id, created_at, expires_at";

/** The rows of `tokens` as a VALUES list and its parameters, in TOKEN_COLUMNS' order. */
export function tokenValues(tokens: readonly NewToken[]): { sql: string; params: unknown[] } {
  return {
    sql: `VALUES ${tokens.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    params: tokens.flatMap((token) => [
      token.id,
      token.kind,
      token.hash,
      token.integrationId,
      token.userId,
      token.scope,
      token.familyId,
      token.createdAt,
      token.expiresAt,
    ]),
  };
}

/** Stores a grant's new tokens in one statement (an access and a refresh token: one round trip). */
export async function insertTokens(db: SqlExecutor, tokens: readonly NewToken[]): Promise<void> {
  if (tokens.length === 0) return;
  const values = tokenValues(tokens);
  await db.execute(`INSERT INTO oauth_tokens (${TOKEN_COLUMNS}) ${values.sql}`, values.params);
}

/**
 * The same INSERT, of rows only when the conditional UPDATE `spent` (a CTE of the statement, with
 * RETURNING) changed one: PostgreSQL's form of "spend, then store", in one statement.
 */
export function insertTokensIfSpent(tokens: readonly NewToken[]): { sql: string; params: unknown[] } {
  const values = tokenValues(tokens);
  return {
    sql: `INSERT INTO oauth_tokens (${TOKEN_COLUMNS}) SELECT * FROM (${values.sql}) AS minted (${TOKEN_COLUMNS}) WHERE EXISTS (SELECT 1 FROM spent)`,
    params: values.params,
  };
}

/** The token with this hash (of either kind, or only refresh tokens), whatever its state. */
export async function findTokenByHash(
  db: SqlExecutor,
  hash: string,
  kind?: "refresh",
): Promise<TokenRow | undefined> {
  const sql =
    kind === "refresh"
      ? "SELECT * FROM oauth_tokens WHERE token_hash = ? AND kind = 'refresh'"
      : "SELECT * FROM oauth_tokens WHERE token_hash = ?";
  return (await db.query<TokenRow>(sql, [hash]))[0];
}

/** The token with this id (a JWT's jti), whatever its state. */
export async function findTokenById(db: SqlExecutor, id: string): Promise<TokenRow | undefined> {
  return (await db.query<TokenRow>("SELECT * FROM oauth_tokens WHERE id = ?", [id]))[0];
}

/** Revokes every unrevoked token of a family at `at`; how many it revoked. */
export async function revokeTokenFamily(db: SqlExecutor, familyId: string, at: string): Promise<number> {
  return (
    await db.execute("UPDATE oauth_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", [
      at,
      familyId,
    ])
  ).rowCount;
}

/** Revokes one token at `at`, unless it already is. */
export async function revokeTokenById(db: SqlExecutor, id: string, at: string): Promise<void> {
  await db.execute("UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [at, id]);
}

/**
 * Marks a refresh token rotated at `at`: a conditional UPDATE that only one of any number of
 * concurrent uses can win (it changes no row when the token was already rotated or revoked).
 */
export function rotateTokenStatement(id: string, at: string): SpendStatement {
  return {
    sql: "UPDATE oauth_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL",
    params: [at, id],
  };
}
