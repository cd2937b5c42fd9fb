import type { FastifyInstance, FastifyReply } from "fastify";
import { CodeVerifierSchema, TokenRequestSchema, type TokenResponse } from "../../contract";
import { findUser } from "../../domain/kinds/user-login";
import type { Client } from "../../domain/oauth/clients";
import { consumeCode, findCode } from "../../domain/oauth/codes";
import { verifierMatches } from "../../domain/oauth/pkce";
import {
  findRefreshToken,
  markRotated,
  mintTokens,
  revokeFamily,
  storeTokens,
} from "../../domain/oauth/tokens";
import { authenticateClient } from "./client-auth";
import { type OAuthContext, tokenContext } from "./context";
import { OAuthError, oauthForm, sendOAuthError } from "./oauth-errors";

const TOKEN_PARAMS = Object.keys(TokenRequestSchema.shape);

function sendTokens(reply: FastifyReply, tokens: TokenResponse) {
  return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(tokens);
}

async function authorizationCodeGrant(
  ctx: OAuthContext,
  client: Client,
  form: Record<string, string>,
): Promise<TokenResponse> {
  if (!form.code) throw new OAuthError("invalid_request", "code is required.");
  const stored = await findCode(ctx.db, form.code);
  if (!stored) throw new OAuthError("invalid_grant", "The authorization code is not valid.");
  // Binding first: another client presenting a used code must not revoke the owner's tokens.
  if (stored.grant.integrationId !== client.id)
    throw new OAuthError("invalid_grant", "The authorization code was issued to another client.");
  if (stored.consumed) {
    const revoked = await revokeFamily(ctx.db, ctx.clock, stored.codeHash);
    throw new OAuthError(
      "invalid_grant",
      `The authorization code was already used; the ${revoked} token(s) issued from it are revoked.`,
    );
  }
  if (stored.expiresAt <= ctx.clock.now().toISOString())
    throw new OAuthError("invalid_grant", "The authorization code expired.");
  const { grant } = stored;
  if (
    (grant.redirectUriExplicit || form.redirect_uri !== undefined) &&
    form.redirect_uri !== grant.redirectUri
  ) {
    throw new OAuthError("invalid_grant", "redirect_uri must be the one of the authorization request.");
  }
  if (grant.codeChallenge) {
    if (!form.code_verifier)
      throw new OAuthError(
        "invalid_grant",
        "code_verifier is required: the authorization request had a code_challenge.",
      );
    if (
      !CodeVerifierSchema.safeParse(form.code_verifier).success ||
      !verifierMatches(form.code_verifier, grant.codeChallenge)
    ) {
      throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge.");
    }
  } else if (form.code_verifier !== undefined) {
    throw new OAuthError(
      "invalid_grant",
      "code_verifier was sent but the authorization request had no code_challenge.",
    );
  }
  const found = await findUser(ctx.db, grant.userId);
  if (!found?.active)
    throw new OAuthError("invalid_grant", "The user of this authorization code is inactive or gone.");
  const user = { id: found.id, name: found.name };
  // The tokens are made (and a JWT signed) before any lock is taken; then consuming the code and
  // storing them is one transaction: a concurrent second redemption waits, sees the code used and
  // revokes these tokens too.
  const minted = await mintTokens(tokenContext(ctx), {
    client,
    user,
    scope: grant.scope,
    familyId: stored.codeHash,
  });
  const tokens = await ctx.db.transaction(
    async (tx) => ((await consumeCode(tx, ctx.clock, stored.codeHash)) ? storeTokens(tx, minted) : undefined),
    { durability: "relaxed" },
  );
  if (!tokens) {
    const revoked = await revokeFamily(ctx.db, ctx.clock, stored.codeHash);
    throw new OAuthError(
      "invalid_grant",
      `The authorization code was already used; the ${revoked} token(s) issued from it are revoked.`,
    );
  }
  return tokens;
}

async function refreshTokenGrant(
  ctx: OAuthContext,
  client: Client,
  form: Record<string, string>,
): Promise<TokenResponse> {
  if (!form.refresh_token) throw new OAuthError("invalid_request", "refresh_token is required.");
  const found = await findRefreshToken(ctx.db, ctx.clock, client, form.refresh_token);
  if (found.outcome === "invalid") throw new OAuthError("invalid_grant", found.reason);
  const reused = async (familyId: string): Promise<never> => {
    await revokeFamily(ctx.db, ctx.clock, familyId);
    throw new OAuthError(
      "invalid_grant",
      "The refresh token was already used; every token of its grant is now revoked.",
    );
  };
  if (found.outcome === "reused") return reused(found.familyId);
  const { row } = found;
  const granted = row.scope ? row.scope.split(" ") : [];
  const asked = form.scope === undefined ? granted : [...new Set(form.scope.split(" ").filter(Boolean))];
  const extra = asked.filter((s) => !granted.includes(s));
  if (extra.length) {
    throw new OAuthError(
      "invalid_scope",
      `A refresh cannot add scopes: ${extra.join(", ")} were not granted.`,
    );
  }
  const user = await findUser(ctx.db, row.user_id);
  if (!user?.active)
    throw new OAuthError("invalid_grant", "The user of this refresh token is inactive or gone.");
  const minted = await mintTokens(tokenContext(ctx), {
    client,
    user: { id: user.id, name: user.name },
    scope: asked.join(" "),
    familyId: row.family_id,
  });
  // Spending the old token and storing the new ones commit together; a concurrent use of the same
  // token loses the conditional update and is treated as reuse.
  const tokens = await ctx.db.transaction(
    async (tx) => ((await markRotated(tx, ctx.clock, row.id)) ? storeTokens(tx, minted) : undefined),
    { durability: "relaxed" },
  );
  return tokens ?? reused(row.family_id);
}

/** The token endpoint (/oauth_token.do and /oauth/token). */
export function tokenRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const handler = async (request: import("fastify").FastifyRequest, reply: FastifyReply) => {
    try {
      const form = oauthForm(request, TOKEN_PARAMS);
      const client = await authenticateClient(ctx, request, form);
      if (form.grant_type === "authorization_code")
        return sendTokens(reply, await authorizationCodeGrant(ctx, client, form));
      if (form.grant_type === "refresh_token")
        return sendTokens(reply, await refreshTokenGrant(ctx, client, form));
      if (!form.grant_type) throw new OAuthError("invalid_request", "grant_type is required.");
      throw new OAuthError(
        "unsupported_grant_type",
        "Only authorization_code and refresh_token are supported.",
      );
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  };
  app.post("/oauth_token.do", handler);
  app.post("/oauth/token", handler);
}
