import { hash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { WRITER_ROLES } from "../contract";
import { authenticate, type Principal } from "../domain/admin-tokens";
import { ApiError } from "../domain/api-error";
import { generationReadsOf, PerGeneration } from "../domain/records/generation-cache";
import type { Database } from "../storage/database";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
    /** The registry generation this request read when it was authenticated (reads of records reuse it). */
    registryGeneration?: number;
  }
}

const REALM = 'Bearer realm="inbound-oauth"';

function unauthenticated(detail: string, invalid: boolean): ApiError {
  const challenge = invalid ? `${REALM}, error="invalid_token"` : REALM;
  return new ApiError("UNAUTHENTICATED", detail, {}, { "www-authenticate": challenge });
}

/** How many verified tokens one generation keeps before it starts over (bounds memory). */
const MOST_TOKENS = 10_000;

/**
 * Verified tokens by the SHA-256 of the token, kept while the registry generation stays: revoking
 * a token moves it (storage/admin-tokens.ts), so a revoked token is refused by the next request of
 * every process, as if each request looked the token up. Only verified tokens are kept: one
 * created meanwhile is looked up when first presented.
 */
function principalCache(db: Database) {
  const generations = generationReadsOf(db);
  const verified = new PerGeneration(db, () => new Map<string, Principal>());
  return async (token: string): Promise<{ principal?: Principal; generation: number }> => {
    const generation = await generations.read();
    const entries = verified.at(generation);
    const key = hash("sha256", token, "base64url");
    const hit = entries.get(key);
    if (hit) return { principal: hit, generation };
    const principal = await authenticate(db, token);
    if (entries.size >= MOST_TOKENS) entries.clear();
    if (principal) entries.set(key, principal);
    return { principal, generation };
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
    const found = match ? await lookup(match[1]!) : undefined;
    const principal = found?.principal;
    if (!principal) {
      throw unauthenticated(
        "The bearer token is not valid (mistyped, revoked, or from another server).",
        true,
      );
    }
    request.principal = principal;
    request.registryGeneration = found.generation;
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
