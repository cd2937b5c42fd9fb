import type { TokenRequest, TokenResponse } from "../../../contract";
import type { Database } from "../../../storage/database";
import type { Client } from "../clients";
import type { TokenContext } from "../tokens";

/** What a grant needs: the database (its transactions spend a credential and store tokens together), the clock, the signing keys, the issuer. */
export interface GrantContext extends TokenContext {
  db: Database;
}

/**
 * One grant type of the token endpoint (RFC 6749 §4.1.3, §6): the authenticated client and the
 * request's parameters in, tokens out, or an OAuthError.
 */
export type GrantHandler = (
  ctx: GrantContext,
  client: Client,
  params: TokenRequest,
) => Promise<TokenResponse>;
