// The authorization code flow as the bench speaks it: the Driver each target implements, PKCE,
// client authentication, and the checks of the answers; the token grants both drivers share.
import { createHash, randomBytes } from "node:crypto";
import type { CookieJar, HttpClient } from "../lib/http";
import type { LoadSpec } from "../lib/load";
import { REDIRECT_URI } from "./settings";

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  id_token?: string;
}

export interface LoginUser {
  username: string;
  password: string;
}

export interface AuthorizedCode {
  code: string;
  verifier: string;
}

/** How one target speaks the authorization code flow; every method throws on an unexpected answer. */
export interface Driver {
  /** HTTP requests sent so far. */
  requests(): number;
  /** From a fresh cookie jar to the consent page as user: login page, password, back to the request. */
  login(jar: CookieJar, user: LoginUser): Promise<void>;
  /** With an established session: authorize → consent → the code in the redirect. */
  authorize(jar: CookieJar): Promise<AuthorizedCode>;
  exchange(grant: AuthorizedCode): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Introspection of a token, for autocannon; undefined when the target cannot introspect that kind. */
  introspection(token: string, kind: "refresh_token" | "access_token"): LoadSpec | undefined;
  jwks: LoadSpec;
  rotatesRefreshTokens: boolean;
}

export function base64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

/** The code from the client's redirect, after checking state (the redirect goes to REDIRECT_URI). */
export function codeFrom(location: string | undefined, state: string): string {
  if (!location) throw new Error("the consent step answered without a Location");
  const url = new URL(location, REDIRECT_URI);
  if (`${url.origin}${url.pathname}` !== REDIRECT_URI) throw new Error(`unexpected redirect to ${location}`);
  const error = url.searchParams.get("error");
  if (error)
    throw new Error(`the authorization failed: ${error} ${url.searchParams.get("error_description")}`);
  if (url.searchParams.get("state") !== state) throw new Error(`state mismatch in ${location}`);
  const code = url.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

export function tokenSet(body: string): TokenSet {
  const parsed = JSON.parse(body) as Partial<TokenSet>;
  if (typeof parsed.access_token !== "string" || typeof parsed.refresh_token !== "string") {
    throw new Error(`the token response lacks an access or refresh token: ${body.slice(0, 300)}`);
  }
  return parsed as TokenSet;
}

export function activeCheck(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { active?: unknown }).active === true ? undefined : "not active";
  } catch {
    return "not JSON";
  }
}

export function jwksCheck(body: string): string | undefined {
  try {
    const keys = (JSON.parse(body) as { keys?: unknown[] }).keys;
    return Array.isArray(keys) && keys.length > 0 ? undefined : "no keys";
  } catch {
    return "not JSON";
  }
}

export const REDIRECT = [302, 303] as const;
export const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A new authorization request's secrets: the PKCE verifier and challenge, and the state. */
export function newRequest(): { verifier: string; challenge: string; state: string } {
  return { ...pkce(), state: base64url(randomBytes(8)) };
}

/** The authorization request at endpoint: the code flow with PKCE S256, and any extra parameters. */
export function authorizationPath(
  endpoint: string,
  clientId: string,
  scope: string,
  request: { state: string; challenge: string },
  extra: Record<string, string> = {},
): string {
  return `${endpoint}?${new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope,
    ...extra,
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: "S256",
  })}`;
}

/** Where a target answers the requests that need no browser. */
export interface Endpoints {
  token: string;
  introspection: string;
  jwks: string;
  /** False when the target refuses to introspect (JWT) access tokens. */
  introspectsJwts: boolean;
  /** True when every refresh grant answers a new refresh token (the bench then checks it does). */
  rotatesRefreshTokens: boolean;
}

/**
 * What both drivers share: the code exchange and the refresh grant at the token endpoint, and the
 * introspection and JWKS requests for autocannon; the client authenticates with client_secret_basic.
 */
export function sharedRequests(
  http: HttpClient,
  clientId: string,
  clientSecret: string,
  endpoints: Endpoints,
): Omit<Driver, "login" | "authorize"> {
  const authorization = basicAuth(clientId, clientSecret);
  const grant = async (form: Record<string, string>) => {
    const answer = await http.send("POST", endpoints.token, {
      headers: { authorization },
      form,
      expect: 200,
    });
    return tokenSet(answer.body);
  };
  return {
    requests: () => http.requests,
    rotatesRefreshTokens: endpoints.rotatesRefreshTokens,
    exchange: ({ code, verifier }) =>
      grant({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI }),
    refresh: (refreshToken) => grant({ grant_type: "refresh_token", refresh_token: refreshToken }),
    introspection: (token, kind) =>
      kind === "access_token" && !endpoints.introspectsJwts
        ? undefined
        : {
            method: "POST",
            path: endpoints.introspection,
            headers: { authorization, ...FORM },
            body: () => new URLSearchParams({ token, token_type_hint: kind }).toString(),
            check: activeCheck,
          },
    jwks: { method: "GET", path: endpoints.jwks, headers: {}, check: jwksCheck },
  };
}

export interface TokenDescription {
  accessToken: string;
  idToken: string;
  refreshRotates: boolean;
}

/** What the tokens look like: the access token's JOSE header, and whether an ID token comes along. */
export function describeTokens(tokens: TokenSet, rotated: TokenSet): TokenDescription {
  const parts = tokens.access_token.split(".");
  let accessToken = "opaque";
  if (parts.length === 3) {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as {
      alg?: string;
      typ?: string;
    };
    accessToken = `JWT, alg ${header.alg}, typ ${header.typ}`;
  }
  let idToken = "none";
  if (tokens.id_token) {
    const header = JSON.parse(Buffer.from(tokens.id_token.split(".")[0]!, "base64url").toString("utf8")) as {
      alg?: string;
    };
    idToken = `JWT, alg ${header.alg}`;
  }
  return { accessToken, idToken, refreshRotates: rotated.refresh_token !== tokens.refresh_token };
}
