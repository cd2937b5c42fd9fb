import type { FastifyInstance } from "fastify";
import { GRANT_TYPES } from "../../domain/oauth/grants";
import type { OAuthContext } from "../../http/oauth/context";

/** Authorization server metadata (RFC 8414): exactly what this server supports. */
export function metadataRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  app.get("/.well-known/oauth-authorization-server", async () => {
    const issuer = ctx.issuer();
    const at = (path: string) => new URL(path, issuer.endsWith("/") ? issuer : `${issuer}/`).toString();
    return {
      issuer,
      authorization_endpoint: at("oauth_auth.do"),
      token_endpoint: at("oauth_token.do"),
      jwks_uri: at("api/now/oauth/jwks"),
      revocation_endpoint: at("oauth_revoke_token.do"),
      introspection_endpoint: at("oauth/introspect"),
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: GRANT_TYPES,
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      authorization_response_iss_parameter_supported: true,
    };
  });
}
