import type { FastifyReply } from "fastify";
import type { OAuthErrorCode } from "../../contract";

/** An RFC 6749 §5.2 error response. The description is for people; no internals ever go in it. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === "invalid_client" ? 401 : 400,
  ) {
    super(`${error}: ${description}`);
  }
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  if (error.status === 401) reply.header("www-authenticate", 'Basic realm="inbound-oauth"');
  return reply
    .code(error.status)
    .header("cache-control", "no-store")
    .header("pragma", "no-cache")
    .send({ error: error.error, error_description: error.description });
}
