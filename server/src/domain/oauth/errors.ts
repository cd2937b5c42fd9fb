import type { OAuthErrorCode } from "../../contract";

export interface OAuthErrorOptions {
  /** The HTTP status: RFC 6749 §5.2 gives 401 to invalid_client, 400 to the rest, unless set. */
  status?: number;
  /** With a 429 (a rate limit): seconds to wait, sent as Retry-After. */
  retryAfter?: number;
  /**
   * What happened, for the server's log only, never sent: which of several causes a public
   * description covers, the records involved (ids, counts). Never a credential.
   */
  detail?: string;
}

/**
 * An OAuth refusal (RFC 6749 §5.2), as node-oidc-provider's lib/helpers/errors.js keeps it: the
 * error code, the public error_description — a sentence for the client's developer, no internals —
 * and a debug detail apart from it, which is logged and never answered.
 */
export class OAuthError extends Error {
  readonly status: number;
  readonly retryAfter?: number;
  readonly detail?: string;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${description}`);
    this.name = "OAuthError";
    this.status = options.status ?? (error === "invalid_client" ? 401 : 400);
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
    if (options.detail !== undefined) this.detail = options.detail;
  }

  /** The response body: the two public members of RFC 6749 §5.2, in this order. */
  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
