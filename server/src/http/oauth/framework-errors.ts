import type { FastifyReply, FastifyRequest } from "fastify";
import type { ErrorCode } from "../../contract";
import type { ApiError } from "../../domain/api-error";
import { OAuthError } from "../../domain/oauth/errors";
import type { RawAnswer } from "../client-errors";
import { sendErrorPage } from "./pages/error-page";
import { sendOAuthError } from "./send-error";

/** The endpoints that answer RFC 6749 §5.2 JSON errors, and the methods they take. */
const JSON_ENDPOINTS: Record<string, string> = {
  "/oauth_token.do": "POST",
  "/oauth/token": "POST",
  "/oauth/introspect": "POST",
  "/oauth_introspect.do": "POST",
  "/oauth_revoke_token.do": "POST",
  "/oauth/revoke": "POST",
};

/** The pages a person's browser is sent to, which answer with an error page. */
const PAGES: Record<string, string> = {
  "/oauth_auth.do": "GET, HEAD",
  "/oauth/authorize": "GET, HEAD",
  "/oauth/login": "GET, HEAD, POST",
  "/oauth/consent": "POST",
};

/** What went wrong, in the words of the OAuth endpoints (the problem's detail speaks of JSON). */
const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  UNSUPPORTED_MEDIA_TYPE: "Send the parameters as application/x-www-form-urlencoded.",
  MALFORMED_JSON: "Send the parameters as application/x-www-form-urlencoded.",
  BODY_TOO_LARGE: "The request body is larger than this endpoint accepts (16 KiB).",
  MALFORMED_URL: "The URL is not valid percent-encoding (a % must start %XX with two hex digits).",
  URI_TOO_LONG: "The URL is longer than this server accepts.",
  HEADERS_TOO_LARGE: "The request headers are larger than this server accepts (16 KiB); send fewer cookies.",
  MALFORMED_REQUEST: "The request is not valid HTTP.",
  REQUEST_TIMEOUT: "The request was not received in time.",
  ROUTE_NOT_FOUND: "This endpoint does not take this method.",
};
const MALFORMED = "The request is malformed.";
const SERVER_ERROR = "The server hit an unexpected error. Try again later.";

function pathOf(url: string): string {
  return url.split("?")[0] ?? "";
}

/**
 * The RFC 6749 error a problem becomes: temporarily_unavailable for a 503 (the database is down or
 * full: retry), server_error for other 5xx, else invalid_request (400, or 405 for a method).
 */
function asOAuthError(problem: ApiError): OAuthError {
  const detail = `problem ${problem.code}`;
  if (problem.status === 503)
    return new OAuthError("temporarily_unavailable", problem.detail, { status: 503, detail });
  if (problem.status >= 500) return new OAuthError("server_error", SERVER_ERROR, { status: 500, detail });
  return new OAuthError("invalid_request", DESCRIPTIONS[problem.code] ?? MALFORMED, {
    status: problem.code === "ROUTE_NOT_FOUND" ? 405 : 400,
    detail,
  });
}

/**
 * Errors met before or around the OAuth routes (bad URL, body too large or not a form, an unknown
 * method, an internal error), answered as those endpoints answer: RFC 6749 JSON for the token,
 * introspection and revocation endpoints, the error page for the authorize, login and consent pages.
 * Other paths are left to problem+json.
 */
export function oauthProblemShape(request: FastifyRequest, reply: FastifyReply, problem: ApiError) {
  const path = pathOf(request.url);
  const allowed = JSON_ENDPOINTS[path] ?? PAGES[path];
  if (allowed === undefined) return undefined;
  if (problem.code === "ROUTE_NOT_FOUND") reply.header("allow", allowed);
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  if (JSON_ENDPOINTS[path] !== undefined) return sendOAuthError(reply, asOAuthError(problem));
  const error = asOAuthError(problem);
  const title =
    error.status === 503
      ? "Try again shortly"
      : error.status >= 500
        ? "Something went wrong"
        : "Invalid request";
  return sendErrorPage(reply, error.status === 400 ? problem.status : error.status, title, error.description);
}

/** The same for a request Node's HTTP parser refused, written to the socket (see http/client-errors). */
export function oauthRawShape(path: string, problem: ApiError): RawAnswer | undefined {
  if (JSON_ENDPOINTS[path] === undefined) return undefined;
  const error = asOAuthError(problem);
  return {
    status: error.status,
    contentType: "application/json; charset=utf-8",
    headers: { "cache-control": "no-store", pragma: "no-cache" },
    body: JSON.stringify(error.body()),
  };
}
