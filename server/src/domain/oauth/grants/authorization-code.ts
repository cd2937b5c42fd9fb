import { CodeVerifierSchema, type TokenRequest } from "../../../contract";
import { type CodeGrant, consumption, findCode } from "../codes";
import { OAuthError } from "../errors";
import { verifierMatches } from "../pkce";
import { mintTokens, revokeFamily } from "../tokens";
import { activeUser } from "./active-user";
import type { GrantContext, GrantHandler } from "./context";
import { issueOnce } from "./issue-once";

/** A code presented again: every token issued from it is revoked (RFC 6749 §4.1.2, RFC 9700 §4.2.4). */
async function reusedCode(ctx: GrantContext, codeHash: string, how: string): Promise<never> {
  const revoked = await revokeFamily(ctx.db, ctx.clock, codeHash);
  throw new OAuthError(
    "invalid_grant",
    `The authorization code was already used; the ${revoked} token(s) issued from it are revoked.`,
    { detail: `The code ${how}.` },
  );
}

/**
 * The token request repeats what the code is bound to: the redirect_uri when the authorization
 * request named one (RFC 6749 §4.1.3), and the PKCE verifier of its S256 challenge (RFC 7636 §4.6);
 * a verifier without a challenge is refused too, so a downgrade cannot pass unnoticed.
 */
function checkBindings(grant: CodeGrant, params: TokenRequest): void {
  if (
    (grant.redirectUriExplicit || params.redirect_uri !== undefined) &&
    params.redirect_uri !== grant.redirectUri
  ) {
    throw new OAuthError("invalid_grant", "redirect_uri must be the one of the authorization request.", {
      detail: !grant.redirectUriExplicit
        ? "The authorization request named no redirect_uri; the token request named one."
        : params.redirect_uri === undefined
          ? "The token request left out the redirect_uri of the authorization request."
          : "The token request named another redirect_uri than the authorization request.",
    });
  }
  if (grant.codeChallenge) {
    if (!params.code_verifier)
      throw new OAuthError(
        "invalid_grant",
        "code_verifier is required: the authorization request had a code_challenge.",
      );
    const wellFormed = CodeVerifierSchema.safeParse(params.code_verifier).success;
    if (!wellFormed || !verifierMatches(params.code_verifier, grant.codeChallenge)) {
      throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge.", {
        detail: wellFormed ? "The verifier's S256 is another challenge." : "The verifier is malformed.",
      });
    }
  } else if (params.code_verifier !== undefined) {
    throw new OAuthError(
      "invalid_grant",
      "code_verifier was sent but the authorization request had no code_challenge.",
    );
  }
}

/**
 * grant_type=authorization_code (RFC 6749 §4.1.3). The code must be this client's (checked first:
 * another client presenting a used code must not revoke the owner's tokens), unused, unexpired,
 * and match its bindings; its user must still be active. A code is consumed exactly once: of
 * concurrent redemptions one wins, and a reused code revokes every token issued from it.
 */
export const authorizationCode: GrantHandler = async (ctx, client, params) => {
  if (!params.code) throw new OAuthError("invalid_request", "code is required.");
  const stored = await findCode(ctx.db, params.code);
  if (!stored) throw new OAuthError("invalid_grant", "The authorization code is not valid.");
  const { grant, codeHash } = stored;
  if (grant.integrationId !== client.id)
    throw new OAuthError("invalid_grant", "The authorization code was issued to another client.", {
      detail: `Code of integration ${grant.integrationId} presented by integration ${client.id}.`,
    });
  if (stored.consumed) return reusedCode(ctx, codeHash, "was presented again after its redemption");
  if (stored.expiresAt <= ctx.clock.now().toISOString())
    throw new OAuthError("invalid_grant", "The authorization code expired.", {
      detail: `Expired at ${stored.expiresAt}.`,
    });
  checkBindings(grant, params);
  const user = await activeUser(ctx, grant.userId, "authorization code");
  const minted = await mintTokens(ctx, { client, user, scope: grant.scope, familyId: codeHash });
  // A concurrent second redemption waits for this transaction, sees the code used and revokes these
  // tokens too; if it won instead, this one is the reuse.
  const tokens = await issueOnce(ctx, consumption(ctx.clock, codeHash), minted);
  return tokens ?? reusedCode(ctx, codeHash, "lost a concurrent redemption");
};
