import type { FastifyReply } from "fastify";
import type { OAuthError } from "../../domain/oauth/errors";

/**
 * Answers an OAuth refusal as RFC 6749 §5.2 JSON: the error code and its public description only.
 * The debug detail goes to the log (info, as refused requests are), never into the response.
 */
export function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  if (error.detail !== undefined)
    reply.log.info({ oauthError: error.error, detail: error.detail }, "oauth request refused");
  if (error.status === 401) reply.header("www-authenticate", 'Basic realm="inbound-oauth"');
  if (error.retryAfter !== undefined) reply.header("retry-after", String(error.retryAfter));
  return reply
    .code(error.status)
    .header("cache-control", "no-store")
    .header("pragma", "no-cache")
    .send(error.body());
}
