import { z } from "zod";

/**
 * The OAuth runtime's wire contract: RFC 6749 error codes (plus RFC 6750's for bearer-protected
 * APIs), the parameters each endpoint reads, and what the metadata document advertises.
 */
export const OAUTH_ERRORS = {
  invalid_request: "A parameter is missing, repeated, malformed or not allowed here.",
  invalid_client: "Client authentication failed, or the client is unknown or inactive.",
  invalid_grant:
    "The code or refresh token is invalid, expired, used, revoked, or issued to another client or redirect URI.",
  unauthorized_client: "The client may not use this grant type.",
  unsupported_grant_type: "Only authorization_code and refresh_token are supported.",
  unsupported_response_type: "Only response_type=code is supported.",
  invalid_scope: "A requested scope is unknown or not allowed for this client.",
  access_denied: "The resource owner denied the request.",
  server_error: "The server hit an unexpected error.",
  temporarily_unavailable:
    "The server cannot serve the request now (its database is unreachable or full); retry after Retry-After seconds.",
  unsupported_token_type: "The token type cannot be revoked.",
  invalid_token: "The access token is invalid, expired, revoked, or its client is inactive.",
  insufficient_scope: "The token does not allow this API or operation.",
} as const;
export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

const param = z.string().max(2048, "must be at most 2048 characters");

/** PKCE code verifier and S256 challenge (RFC 7636 §4.1, §4.2). */
export const CodeVerifierSchema = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{43,128}$/, "must be 43–128 characters of [A-Za-z0-9._~-]");
export const CodeChallengeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be a base64url SHA-256 (43 characters)");

/**
 * An endpoint's form or query parameters: each optional and at most 2048 characters; the endpoint
 * decides which are required and how they combine, and answers RFC 6749 errors for them.
 */
function params<const Name extends string>(...names: Name[]) {
  return z.object(
    Object.fromEntries(names.map((name) => [name, param.optional()])) as {
      [P in Name]: z.ZodOptional<typeof param>;
    },
  );
}

/** The authorization request (query of /oauth_auth.do, or the form the consent page posts back). */
export const AUTHORIZE_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
] as const;
export const AuthorizeParamsSchema = params(...AUTHORIZE_PARAMS);
export type AuthorizeParams = z.infer<typeof AuthorizeParamsSchema>;

export const TokenRequestSchema = params(
  "grant_type",
  "code",
  "redirect_uri",
  "code_verifier",
  "refresh_token",
  "scope",
  "client_id",
  "client_secret",
);
export type TokenRequest = z.infer<typeof TokenRequestSchema>;

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.int(),
  refresh_token: z.string(),
  scope: z.string(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const IntrospectRequestSchema = params("token", "token_type_hint", "client_id", "client_secret");

export const RevokeRequestSchema = IntrospectRequestSchema;

/** Lifetime of an authorization code (RFC 6749 §4.1.2 recommends at most 10 minutes; we use 60 s). */
export const CODE_LIFETIME_SECONDS = 60;

/** How long a rotated-out signing key stays in the JWKS by default. */
export const DEFAULT_KEY_RETENTION_DAYS = 105;
