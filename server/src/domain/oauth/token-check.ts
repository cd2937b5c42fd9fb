import { decodeProtectedHeader, jwtVerify } from "jose";
import { findTokenByHash, findTokenById, revokeTokenById, type TokenRow } from "../../storage/oauth-tokens";
import type { Client } from "./clients";
import { credentialHash } from "./opaque";
import { revokeFamily, type TokenContext } from "./tokens";

export interface ActiveToken {
  row: TokenRow;
  client: Client;
  username: string;
  roles: string[];
  /** Set for JWTs. */
  claims?: Record<string, unknown>;
}

export type TokenCheck = { active: true; token: ActiveToken } | { active: false; reason: string };

function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * Resolves an access or refresh token to its live record, in the order the APIs enforce: valid
 * (signature or lookup), not expired, not revoked, its client still active.
 */
export async function checkToken(
  ctx: TokenContext,
  token: string,
  kind: "access" | "refresh" | "any",
): Promise<TokenCheck> {
  if (token.length > 4096) return { active: false, reason: "The token is not valid." };
  let row: TokenRow | undefined;
  let claims: Record<string, unknown> | undefined;
  if (looksLikeJwt(token)) {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { active: false, reason: "The token is not valid." };
    }
    const key = kid ? await ctx.keys.verificationKey(kid) : undefined;
    if (!key) return { active: false, reason: "The token is not signed by a key of this server." };
    try {
      const verified = await jwtVerify(token, key, {
        issuer: ctx.issuer,
        audience: ctx.issuer,
        algorithms: ["ES256"],
        typ: "at+jwt",
        currentDate: ctx.clock.now(),
      });
      claims = verified.payload as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      return {
        active: false,
        reason: code === "ERR_JWT_EXPIRED" ? "The token expired." : "The token is not valid.",
      };
    }
    row = await findTokenById(ctx.db, String(claims.jti));
  } else {
    row = await findTokenByHash(ctx.db, credentialHash(token));
  }
  if (!row || (kind !== "any" && row.kind !== kind))
    return { active: false, reason: "The token is not valid." };
  if (row.expires_at <= ctx.clock.now().toISOString()) return { active: false, reason: "The token expired." };
  if (row.revoked_at) return { active: false, reason: "The token was revoked." };
  if (row.kind === "refresh" && row.rotated_at)
    return { active: false, reason: "The refresh token was already used." };
  const client = await ctx.live.clientById(row.integration_id);
  if (!client?.active) return { active: false, reason: "The token's client is inactive or gone." };
  const user = await ctx.live.user(row.user_id);
  if (!user) return { active: false, reason: "The token's user is gone." };
  if (!user.active) return { active: false, reason: "The token's user is inactive." };
  return { active: true, token: { row, client, username: user.name, roles: user.roles, claims } };
}

/** Revokes a token this client holds: a refresh token takes its whole family with it (RFC 7009 §2.1). */
export async function revokeToken(ctx: TokenContext, client: Client, token: string): Promise<void> {
  const check = await checkToken(ctx, token, "any");
  let row: TokenRow | undefined;
  if (check.active) row = check.token.row;
  else if (!looksLikeJwt(token)) {
    row = await findTokenByHash(ctx.db, credentialHash(token));
  }
  if (!row || row.integration_id !== client.id) return;
  if (row.kind === "refresh") await revokeFamily(ctx.db, ctx.clock, row.family_id);
  else await revokeTokenById(ctx.db, row.id, ctx.clock.now().toISOString());
}
