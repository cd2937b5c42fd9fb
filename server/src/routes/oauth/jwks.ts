import type { FastifyInstance } from "fastify";
import type { SigningKeys } from "../../domain/oauth/keys";

/** Both paths serve the same key set: the ServiceNow-style one and the conventional one. */
export const JWKS_PATHS = ["/api/now/oauth/jwks", "/oauth/jwks"] as const;

/**
 * The JSON Web Key Set (RFC 7517 §5) of the token-signing keys: the active key and the retired keys
 * still within their retention, public members only. No authentication. Served as application/json
 * (RFC 7517 also allows application/jwk-set+json; plain JSON suits more clients).
 */
export function jwksRoutes(app: FastifyInstance, keys: SigningKeys): void {
  for (const path of JWKS_PATHS) {
    app.get(path, async (_request, reply) => {
      const body = await keys.jwks();
      return reply
        .header("cache-control", "public, max-age=300")
        .type("application/json; charset=utf-8")
        .send(body);
    });
  }
}
