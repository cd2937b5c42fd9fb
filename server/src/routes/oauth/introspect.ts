import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { IntrospectRequestSchema } from "../../contract";
import { authenticate } from "../../domain/admin-tokens";
import type { Client } from "../../domain/oauth/clients";
import { OAuthError } from "../../domain/oauth/errors";
import type { GrantContext } from "../../domain/oauth/grants";
import { checkToken } from "../../domain/oauth/token-check";
import { authenticateClient } from "../../http/oauth/client-auth";
import { type OAuthContext, requestContext } from "../../http/oauth/context";
import { oauthForm } from "../../http/oauth/forms";
import { sendOAuthError } from "../../http/oauth/send-error";

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Token introspection (RFC 7662) at /oauth/introspect: a client may introspect the tokens issued
 * to it; an admin token (Bearer ioa_...) may introspect any. Anything else is {"active": false}.
 */
export function introspectRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("cache-control", "no-store");
    try {
      const form = oauthForm(request, Object.keys(IntrospectRequestSchema.shape));
      let client: Client | undefined;
      let tokens: GrantContext;
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
      if (bearer) {
        if (!(await authenticate(ctx.db, bearer[1]!)))
          throw new OAuthError("invalid_client", "The admin token is not valid.");
        tokens = await requestContext(ctx);
      } else {
        ({ client, grant: tokens } = await authenticateClient(ctx, request, form));
      }
      if (!form.token) throw new OAuthError("invalid_request", "token is required.");
      const check = await checkToken(tokens, form.token, "any");
      if (!check.active || (client && check.token.client.id !== client.id)) return { active: false };
      const { row, client: owner, username } = check.token;
      return {
        active: true,
        scope: row.scope,
        client_id: owner.clientId,
        username,
        token_type: row.kind === "access" ? "Bearer" : "refresh_token",
        exp: seconds(row.expires_at),
        iat: seconds(row.created_at),
        sub: username,
        aud: ctx.issuer(),
        iss: ctx.issuer(),
        jti: row.id,
      };
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  };
  app.post("/oauth/introspect", handler);
  app.post("/oauth_introspect.do", handler);
}
