import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { WRITER_ROLES } from "../contract";
import { authenticate, type Principal } from "../domain/admin-tokens";
import { ApiError } from "../domain/api-error";
import type { Database } from "../storage/database";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const REALM = 'Bearer realm="inbound-oauth"';

function unauthenticated(detail: string, invalid: boolean): ApiError {
  const challenge = invalid ? `${REALM}, error="invalid_token"` : REALM;
  return new ApiError("UNAUTHENTICATED", detail, {}, { "www-authenticate": challenge });
}

/**
 * How long a verified token is remembered, so a burst of requests costs one lookup. Revoking a
 * token (CLI) therefore takes effect within this time on every server process.
 */
export const TOKEN_CACHE_MS = 1000;

/** Verified tokens by the SHA-256 of the token, for TOKEN_CACHE_MS. */
function principalCache(db: Database) {
  const entries = new Map<string, { principal: Principal | undefined; until: number }>();
  return async (token: string): Promise<Principal | undefined> => {
    const key = createHash("sha256").update(token).digest("base64url");
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await authenticate(db, token);
    if (entries.size >= 10_000) entries.clear();
    if (principal) entries.set(key, { principal, until: now + TOKEN_CACHE_MS });
    return principal;
  };
}

/** Resolves the bearer token to a principal; writes need a role other than viewer. */
export function bearerAuth(db: Database) {
  const lookup = principalCache(db);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      throw unauthenticated(
        "Send an admin token as Authorization: Bearer <token>. Create one with `inbound-oauth admin-token create`.",
        false,
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match ? await lookup(match[1]!) : undefined;
    if (!principal) {
      throw unauthenticated(
        "The bearer token is not valid (mistyped, revoked, or from another server).",
        true,
      );
    }
    request.principal = principal;
    const writes = request.method !== "GET" && request.method !== "HEAD";
    if (writes && !WRITER_ROLES.includes(principal.role)) {
      throw new ApiError(
        "FORBIDDEN",
        `The token "${principal.name}" has the ${principal.role} role, which may only read. Use a token with the admin, oauth_admin or mi_admin role to make changes (users need admin).`,
      );
    }
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("route registered without bearerAuth");
  return request.principal;
}
