import type { FastifyReply, FastifyRequest } from "fastify";
import type { OAuthErrorCode } from "../../contract";
import { isForm, singleValued } from "./forms";

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

/**
 * The parameters of a token, introspection or revocation request: a form body only (RFC 6749
 * §4.1.3, RFC 7662 §2.1, RFC 7009 §2.1), no parameter repeated (§3.1); else invalid_request.
 */
export function oauthForm(request: FastifyRequest, known: readonly string[]): Record<string, string> {
  if (!isForm(request.headers["content-type"]))
    throw new OAuthError("invalid_request", "Send the parameters as application/x-www-form-urlencoded.");
  const { params, repeated } = singleValued(request.body, known);
  if (repeated) throw new OAuthError("invalid_request", `The parameter ${repeated} is repeated.`);
  return params;
}
