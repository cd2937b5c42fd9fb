import type { Clock } from "../../domain/clock";
import type { GrantContext } from "../../domain/oauth/grants";
import type { SigningKeys } from "../../domain/oauth/keys";
import type { TokenContext } from "../../domain/oauth/tokens";
import type { PasswordCheck } from "../../domain/passwords";
import type { Registry } from "../../domain/registry";
import type { Database } from "../../storage/database";

/** What the OAuth runtime's routes share. */
export interface OAuthContext {
  db: Database;
  clock: Clock;
  registry: Registry;
  keys: SigningKeys;
  /** The issuer URL (iss), resolved per request since it may be known only after listen. */
  issuer: () => string;
  /** The login page's password check (scrypt's verifyPassword unless a test wraps it). */
  verifyPassword?: PasswordCheck;
}

export function tokenContext(ctx: OAuthContext, db: TokenContext["db"] = ctx.db): TokenContext {
  return { db, clock: ctx.clock, keys: ctx.keys, issuer: ctx.issuer() };
}

/** The same, with the database whose transactions a grant needs. */
export function grantContext(ctx: OAuthContext): GrantContext {
  return { ...tokenContext(ctx), db: ctx.db };
}

export function isHttps(ctx: OAuthContext): boolean {
  return ctx.issuer().startsWith("https:");
}
