import type { Clock } from "../../domain/clock";
import type { GrantContext } from "../../domain/oauth/grants";
import type { SigningKeys } from "../../domain/oauth/keys";
import type { RegistryCache } from "../../domain/oauth/registry-cache";
import type { PasswordCheck } from "../../domain/passwords";
import type { Registry } from "../../domain/registry";
import type { Database } from "../../storage/database";

/** What the OAuth runtime's routes share. */
export interface OAuthContext {
  db: Database;
  clock: Clock;
  registry: Registry;
  /** What the OAuth requests of this process have read of the registry, per generation. */
  registryCache: RegistryCache;
  keys: SigningKeys;
  /** The issuer URL (iss), resolved per request since it may be known only after listen. */
  issuer: () => string;
  /** The login page's password check (scrypt's verifyPassword unless a test wraps it). */
  verifyPassword?: PasswordCheck;
}

/**
 * What one token, introspection, revocation or API request needs: the database, the clock, the
 * signing keys, the issuer, and the registry as of now (one read of its generation; a request that
 * authenticates a client reads it with the client's limits, client-auth.ts).
 */
export async function requestContext(ctx: OAuthContext): Promise<GrantContext> {
  return contextAt(ctx, await ctx.registryCache.view());
}

/** The same, for a request that has read the registry generation itself (client-auth.ts). */
export function contextAt(ctx: OAuthContext, live: GrantContext["live"]): GrantContext {
  return { db: ctx.db, clock: ctx.clock, keys: ctx.keys, issuer: ctx.issuer(), live };
}

export function isHttps(ctx: OAuthContext): boolean {
  return ctx.issuer().startsWith("https:");
}
