import { OAuthError } from "../errors";
import { findRefreshToken, mintTokens, revokeFamily, rotation } from "../tokens";
import { activeUser } from "./active-user";
import type { GrantContext, GrantHandler } from "./context";
import { issueOnce } from "./issue-once";

/** A rotated refresh token presented again: its whole grant (family) is revoked (RFC 9700 §4.14.2). */
async function reusedRefreshToken(ctx: GrantContext, familyId: string, how: string): Promise<never> {
  const revoked = await revokeFamily(ctx.db, ctx.clock, familyId);
  throw new OAuthError(
    "invalid_grant",
    "The refresh token was already used; every token of its grant is now revoked.",
    { detail: `The refresh token ${how}; ${revoked} token(s) of its grant revoked.` },
  );
}

/** The scope of a refresh (RFC 6749 §6): the granted one when none is asked, else a subset of it. */
export function narrowedScope(granted: string, asked: string | undefined): string {
  const grantedScopes = granted ? granted.split(" ") : [];
  const askedScopes = asked === undefined ? grantedScopes : [...new Set(asked.split(" ").filter(Boolean))];
  const extra = askedScopes.filter((scope) => !grantedScopes.includes(scope));
  if (extra.length)
    throw new OAuthError(
      "invalid_scope",
      `A refresh cannot add scopes: ${extra.join(", ")} were not granted.`,
    );
  return askedScopes.join(" ");
}

/**
 * grant_type=refresh_token (RFC 6749 §6). The token must be this client's, unrevoked and unexpired;
 * the scope may narrow, never widen; the user must still be active. Every refresh rotates: the old
 * token is spent in the transaction that stores the new ones, and a spent token presented again
 * (or the loser of a concurrent use) revokes every token of its grant.
 */
export const refreshToken: GrantHandler = async (ctx, client, params) => {
  if (!params.refresh_token) throw new OAuthError("invalid_request", "refresh_token is required.");
  const found = await findRefreshToken(ctx.db, ctx.clock, client, params.refresh_token);
  if (found.outcome === "invalid") throw new OAuthError("invalid_grant", found.reason);
  if (found.outcome === "reused") return reusedRefreshToken(ctx, found.familyId, "was rotated before");
  const { row } = found;
  const scope = narrowedScope(row.scope, params.scope);
  const user = await activeUser(ctx, row.user_id, "refresh token");
  const minted = await mintTokens(ctx, { client, user, scope, familyId: row.family_id });
  const tokens = await issueOnce(ctx, rotation(ctx.clock, row.id), minted);
  return tokens ?? reusedRefreshToken(ctx, row.family_id, "lost a concurrent use");
};
