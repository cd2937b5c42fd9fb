import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TokenRequestSchema } from "../../contract";
import { OAuthError } from "../../domain/oauth/errors";
import { exchangeGrant } from "../../domain/oauth/grants";
import { authenticateClient } from "../../http/oauth/client-auth";
import type { OAuthContext } from "../../http/oauth/context";
import { oauthForm } from "../../http/oauth/forms";
import { sendOAuthError } from "../../http/oauth/send-error";

const TOKEN_PARAMS = Object.keys(TokenRequestSchema.shape);

/**
 * The token endpoint (/oauth_token.do and /oauth/token): reads the form, authenticates the client,
 * and answers what the grant (domain/oauth/grants) gives — tokens, or an RFC 6749 §5.2 error.
 */
export function tokenRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const form = oauthForm(request, TOKEN_PARAMS);
      const { client, grant } = await authenticateClient(ctx, request, form);
      const tokens = await exchangeGrant(grant, client, form);
      return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(tokens);
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  };
  app.post("/oauth_token.do", handler);
  app.post("/oauth/token", handler);
}
