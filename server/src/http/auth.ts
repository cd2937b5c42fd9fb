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

/** Resolves the bearer token to a principal; writes need a role other than viewer. */
export function bearerAuth(db: Database) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      throw unauthenticated(
        "Send an admin token as Authorization: Bearer <token>. Create one with `inbound-oauth admin-token create`.",
        false,
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match ? await authenticate(db, match[1]!) : undefined;
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
        `The token "${principal.name}" has the ${principal.role} role, which may only read. Use a token with the admin, oauth_admin or mi_admin role to make changes.`,
      );
    }
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("route registered without bearerAuth");
  return request.principal;
}
