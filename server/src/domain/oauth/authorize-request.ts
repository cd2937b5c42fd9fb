import type { OAuthErrorCode } from "../../contract";
import { CodeChallengeSchema } from "../../contract";
import type { Client } from "./clients";
import { OAuthError } from "./errors";
import { matchRedirectUri } from "./redirects";
import type { RegistryView } from "./registry-cache";

/** The parameters of an authorization request that the login and consent steps carry along. */
export { AUTHORIZE_PARAMS } from "../../contract";

export type AuthorizeOutcome =
  /** Shown as a page; never redirected, since the client or redirect URI cannot be trusted. */
  | { kind: "page"; status: number; title: string; message: string }
  /** Sent back to the client's redirect URI (RFC 6749 §4.1.2.1). */
  | { kind: "redirect-error"; redirectUri: string; error: OAuthError; state?: string }
  | {
      kind: "valid";
      client: Client;
      redirectUri: string;
      redirectUriExplicit: boolean;
      scope: string;
      scopes: { name: string; description: string }[];
      state?: string;
      codeChallenge: string | null;
    };

/**
 * Validates an authorization request, in the order RFC 6749 §4.1.2.1 requires: client and redirect
 * URI first (failures are shown, never redirected), then everything else (failures redirected).
 */
export async function checkAuthorizeRequest(
  live: RegistryView,
  params: Record<string, string>,
  repeated: string | undefined,
): Promise<AuthorizeOutcome> {
  const page = (status: number, title: string, message: string): AuthorizeOutcome => ({
    kind: "page",
    status,
    title,
    message,
  });
  if (repeated === "client_id" || repeated === "redirect_uri") {
    return page(
      400,
      "Invalid request",
      `The parameter ${repeated} is repeated, so the application cannot be identified safely.`,
    );
  }
  if (!params.client_id)
    return page(
      400,
      "Missing client_id",
      "The request does not say which application is asking (client_id).",
    );
  const client = await live.client(params.client_id);
  if (!client) return page(400, "Unknown application", "No application is registered with this client_id.");
  let redirectUri: string;
  if (params.redirect_uri !== undefined) {
    const matched = matchRedirectUri(client.redirectUrls, params.redirect_uri);
    if (!matched) {
      return page(
        400,
        "Redirect URL not registered",
        "The redirect_uri of this request is not one of the application's registered redirect URLs.",
      );
    }
    redirectUri = matched;
  } else {
    redirectUri = client.redirectUrls[0]!;
  }
  if (!client.active)
    return page(
      403,
      "Application disabled",
      `The application "${client.name}" is inactive and cannot sign you in.`,
    );
  const state = params.state;
  const fail = (error: OAuthErrorCode, description: string): AuthorizeOutcome => ({
    kind: "redirect-error",
    redirectUri,
    error: new OAuthError(error, description),
    state,
  });
  if (repeated) return fail("invalid_request", `The parameter ${repeated} is repeated.`);
  if (!params.response_type) return fail("invalid_request", "response_type is required (use code).");
  if (params.response_type !== "code")
    return fail("unsupported_response_type", "Only response_type=code is supported.");
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (method !== undefined && method !== "S256") {
    return fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted).");
  }
  if (challenge !== undefined) {
    if (method === undefined)
      return fail(
        "invalid_request",
        "code_challenge_method is required and must be S256 (plain is not accepted).",
      );
    if (!CodeChallengeSchema.safeParse(challenge).success) {
      return fail(
        "invalid_request",
        "code_challenge must be the base64url SHA-256 of the code verifier (43 characters).",
      );
    }
  } else if (method !== undefined) {
    return fail("invalid_request", "code_challenge_method was sent without code_challenge.");
  } else if (client.publicClient) {
    return fail(
      "invalid_request",
      "This is a public client: PKCE is required (code_challenge with code_challenge_method=S256).",
    );
  }
  const requested =
    params.scope === undefined ? client.authScopes : [...new Set(params.scope.split(" ").filter(Boolean))];
  const unknown = requested.filter((name) => !client.authScopes.includes(name));
  if (unknown.length > 0) {
    return fail(
      "invalid_scope",
      `The application may not request ${unknown.join(", ")}; it may request: ${client.authScopes.join(" ") || "no scopes"}.`,
    );
  }
  const known = await live.scopes();
  const scopes = requested.map((name) => ({
    name,
    description: known.find((scope) => scope.name === name)?.description ?? "",
  }));
  return {
    kind: "valid",
    client,
    redirectUri,
    redirectUriExplicit: params.redirect_uri !== undefined,
    scope: requested.join(" "),
    scopes,
    state,
    codeChallenge: challenge ?? null,
  };
}
