import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import type { TokenResponse } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import {
  findTokenByHash,
  findTokenById,
  insertToken,
  markTokenRotated,
  revokeTokenById,
  revokeTokenFamily,
  type TokenRow,
} from "../../storage/oauth-tokens";
import type { Clock } from "../clock";
import { uuidv7 } from "../ids";
import { findUser } from "../kinds/user-login";
import { reachableApis } from "./access";
import { type Client, findClientById } from "./clients";
import type { SigningKeys } from "./keys";
import { credentialHash, randomCredential } from "./opaque";

export interface TokenContext {
  db: SqlExecutor;
  clock: Clock;
  keys: SigningKeys;
  issuer: string;
}

export interface Grant {
  client: Client;
  user: { id: string; name: string };
  scope: string;
  /** Tokens of one grant share a family: the hash of the code they came from. */
  familyId: string;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Tokens made (and a JWT signed) but not yet stored: the slow part, done outside any transaction. */
export interface MintedTokens {
  response: TokenResponse;
  rows: { id: string; kind: "access" | "refresh"; hash: string | null; expires: Date }[];
  grant: Grant;
  now: Date;
}

/** Makes an access token (JWT or opaque, per the integration) and a refresh token. */
export async function mintTokens(ctx: TokenContext, grant: Grant): Promise<MintedTokens> {
  const now = ctx.clock.now();
  const { client } = grant;
  const accessExpires = new Date(now.getTime() + client.accessTokenLifespan * 1000);
  const refreshExpires = new Date(now.getTime() + client.refreshTokenLifespan * 1000);
  const id = uuidv7(now.getTime());
  let accessToken: string;
  let accessHash: string | null = null;
  if (client.tokenFormat === "JWT") {
    const key = await ctx.keys.active();
    const scopes = grant.scope ? grant.scope.split(" ") : [];
    accessToken = await new SignJWT({
      client_id: client.clientId,
      scope: grant.scope,
      apis: await reachableApis(ctx.db, client, scopes),
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt" })
      .setIssuer(ctx.issuer)
      .setSubject(grant.user.name)
      .setAudience(ctx.issuer)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(accessExpires))
      .setJti(id)
      .sign(key.privateKey);
  } else {
    accessToken = randomCredential();
    accessHash = credentialHash(accessToken);
  }
  const refreshToken = randomCredential();
  return {
    response: {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: client.accessTokenLifespan,
      refresh_token: refreshToken,
      scope: grant.scope,
    },
    rows: [
      { id, kind: "access", hash: accessHash, expires: accessExpires },
      {
        id: uuidv7(now.getTime()),
        kind: "refresh",
        hash: credentialHash(refreshToken),
        expires: refreshExpires,
      },
    ],
    grant,
    now,
  };
}

/** Records minted tokens (in the transaction that consumed the code or refresh token). */
export async function storeTokens(db: SqlExecutor, minted: MintedTokens): Promise<TokenResponse> {
  const { grant, now } = minted;
  for (const row of minted.rows) {
    await insertToken(db, {
      ...row,
      integrationId: grant.client.id,
      userId: grant.user.id,
      scope: grant.scope,
      familyId: grant.familyId,
      createdAt: now.toISOString(),
      expiresAt: row.expires.toISOString(),
    });
  }
  return minted.response;
}

/** Mints and stores in one go (where no lock is held). */
export async function issueTokens(ctx: TokenContext, grant: Grant): Promise<TokenResponse> {
  return storeTokens(ctx.db, await mintTokens(ctx, grant));
}

export async function revokeFamily(db: SqlExecutor, clock: Clock, familyId: string): Promise<number> {
  return revokeTokenFamily(db, familyId, clock.now().toISOString());
}

export type { TokenRow };

export type RefreshLookup =
  | { outcome: "usable"; row: TokenRow }
  | { outcome: "reused"; familyId: string }
  | { outcome: "invalid"; reason: string };

/**
 * A refresh token of this client, if it may be used now. A rotated one is reuse (the caller
 * revokes its family, RFC 9700 §4.14.2); another client's token is refused without effect.
 */
export async function findRefreshToken(
  db: SqlExecutor,
  clock: Clock,
  client: Client,
  token: string,
): Promise<RefreshLookup> {
  const row = await findTokenByHash(db, credentialHash(token), "refresh");
  if (!row || row.integration_id !== client.id)
    return { outcome: "invalid", reason: "The refresh token is not valid for this client." };
  if (row.revoked_at) return { outcome: "invalid", reason: "The refresh token was revoked." };
  if (row.rotated_at) return { outcome: "reused", familyId: row.family_id };
  if (row.expires_at <= clock.now().toISOString())
    return { outcome: "invalid", reason: "The refresh token expired." };
  return { outcome: "usable", row };
}

/** Spends a refresh token exactly once: false when a concurrent use got there first. */
export async function markRotated(db: SqlExecutor, clock: Clock, id: string): Promise<boolean> {
  return markTokenRotated(db, id, clock.now().toISOString());
}

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
  const client = await findClientById(ctx.db, row.integration_id);
  if (!client?.active) return { active: false, reason: "The token's client is inactive or gone." };
  const user = await findUser(ctx.db, row.user_id);
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
