import { CODE_LIFETIME_SECONDS } from "../../contract";
import {
  consumeCodeStatement,
  findCodeByHash,
  insertCode,
  type NewCode,
} from "../../storage/authorization-codes";
import {
  type Database,
  relaxedStatements,
  type SpendStatement,
  type SqlExecutor,
} from "../../storage/database";
import type { Clock } from "../clock";
import { credentialHash, randomCredential } from "./opaque";

/** What a code stands for: the client, user, redirect URI, scope and PKCE challenge it was issued with. */
export type CodeGrant = Omit<NewCode, "codeHash" | "createdAt" | "expiresAt">;

/**
 * Issues a one-time authorization code bound to its client, user, redirect URI and challenge.
 * Written with relaxed durability: a code lives 60 s, and a lost one just means signing in again.
 */
export async function issueCode(db: Database, clock: Clock, grant: CodeGrant): Promise<string> {
  const code = randomCredential();
  const now = clock.now();
  const row = {
    codeHash: credentialHash(code),
    ...grant,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + CODE_LIFETIME_SECONDS * 1000).toISOString(),
  };
  await insertCode(relaxedStatements(db), row);
  return code;
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
  const row = await findCodeByHash(db, codeHash);
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
 * The statement that consumes a code exactly once: of any number of concurrent redemptions it
 * changes a row for one only; for the others the code was already consumed (reuse).
 */
export function consumption(clock: Clock, codeHash: string): SpendStatement {
  return consumeCodeStatement(codeHash, clock.now().toISOString());
}
