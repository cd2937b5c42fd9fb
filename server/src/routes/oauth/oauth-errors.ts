import type { FastifyReply } from "fastify";
import type { OAuthErrorCode } from "../../contract";

/**
 * An RFC 6749 §5.2 error response. The description is for people; no internals ever go in it. A
 * 429 (a rate limit) carries Retry-After, in seconds.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === "invalid_client" ? 401 : 400,
    readonly retryAfter?: number,
  ) {
    super(`${error}: ${description}`);
  }
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  if (error.status === 401) reply.header("www-authenticate", 'Basic realm="inbound-oauth"');
  if (error.retryAfter !== undefined) reply.header("retry-after", String(error.retryAfter));
  return reply
    .code(error.status)
    .header("cache-control", "no-store")
    .header("pragma", "no-cache")
    .send({ error: error.error, error_description: error.description });
}
