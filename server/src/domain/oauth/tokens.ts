import type { TokenResponse } from "../../contract";
import type { SpendStatement, SqlExecutor } from "../../storage/database";
import {
  findTokenByHash,
  type NewToken,
  revokeTokenFamily,
  rotateTokenStatement,
  type TokenRow,
} from "../../storage/oauth-tokens";
import type { Clock } from "../clock";
import { uuidv7 } from "../ids";
import { reachableApis } from "./access";
import type { Client } from "./clients";
import { signEs256 } from "./jwt";
import type { SigningKeys } from "./keys";
import { credentialHash, randomCredential } from "./opaque";
import type { RegistryView } from "./registry-cache";

export interface TokenContext {
  db: SqlExecutor;
  clock: Clock;
  keys: SigningKeys;
  issuer: string;
  /** The registry as of this request (clients, users, scopes, APIs, policies). */
  live: RegistryView;
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
    // RFC 9068: a JWT access token, typ at+jwt.
    accessToken = signEs256(
      { kid: key.kid, typ: "at+jwt" },
      {
        client_id: client.clientId,
        scope: grant.scope,
        apis: await reachableApis(ctx.live, client, scopes),
        iss: ctx.issuer,
        sub: grant.user.name,
        aud: ctx.issuer,
        iat: seconds(now),
        exp: seconds(accessExpires),
        jti: id,
      },
      key.privateKey,
    );
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

/** The rows of minted tokens, as the statement that spends the code or refresh token stores them. */
export function tokenRows(minted: MintedTokens): NewToken[] {
  const { grant, now } = minted;
  return minted.rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    hash: row.hash,
    integrationId: grant.client.id,
    userId: grant.user.id,
    scope: grant.scope,
    familyId: grant.familyId,
    createdAt: now.toISOString(),
    expiresAt: row.expires.toISOString(),
  }));
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

/** The statement that spends a refresh token: of concurrent uses it changes a row for one only. */
export function rotation(clock: Clock, id: string): SpendStatement {
  return rotateTokenStatement(id, clock.now().toISOString());
}
