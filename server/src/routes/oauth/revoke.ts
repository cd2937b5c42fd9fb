import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { RevokeRequestSchema } from "../../contract";
import { OAuthError } from "../../domain/oauth/errors";
import { revokeToken } from "../../domain/oauth/token-check";
import { authenticateClient } from "../../http/oauth/client-auth";
import type { OAuthContext } from "../../http/oauth/context";
import { oauthForm } from "../../http/oauth/forms";
import { sendOAuthError } from "../../http/oauth/send-error";

/**
 * Revocation (RFC 7009) at /oauth_revoke_token.do and /oauth/revoke. Answers 200 whether or not
 * the token was valid or the client's, so it tells nothing about other clients' tokens.
 */
export function revokeRoutes(app: FastifyInstance, ctx: OAuthContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const form = oauthForm(request, Object.keys(RevokeRequestSchema.shape));
      const { client, grant: tokens } = await authenticateClient(ctx, request, form);
      if (!form.token) throw new OAuthError("invalid_request", "token is required.");
      await revokeToken(tokens, client, form.token);
      return reply.code(200).header("cache-control", "no-store").send();
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  };
  app.post("/oauth_revoke_token.do", handler);
  app.post("/oauth/revoke", handler);
}
