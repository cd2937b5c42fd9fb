// Drives the OAuth authorization code grant without a browser, through app.inject (in the manner of
// node-oidc-provider's test helper): records are made through the management API, the person signs in
// and consents through the real HTML forms (cookies and hidden fields carried by hand), and the client
// redeems, refreshes, introspects and revokes through the real endpoints. Time is a mutable injected
// clock: tests move it instead of sleeping.
import { createHash, randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import type { Clock } from "../../src/domain/clock";
import type { TestApp } from "./test-app";

/** The issuer buildApp uses when given none. */
export const ISSUER = "http://localhost";
export const AUTHORIZE_PATH = "/oauth_auth.do";
export const TOKEN_PATH = "/oauth_token.do";
export const INTROSPECT_PATH = "/oauth/introspect";
export const REVOKE_PATH = "/oauth_revoke_token.do";
export const JWKS_PATH = "/api/now/oauth/jwks";
export const DEFAULT_PASSWORD = "correct horse battery staple";
export const T0 = Date.parse("2030-01-01T00:00:00.000Z");

type Response = LightMyRequestResponse;

// ---------------------------------------------------------------------------------------------
// Time

export interface TestClock extends Clock {
  /** Moves the clock forward by this many seconds. */
  advance(seconds: number): void;
  /** Seconds since the epoch, as JWT claims count them. */
  epochSeconds(): number;
}

/** A clock that stands still until advanced: `{ now: () => current }`. */
export function testClock(start = T0): TestClock {
  let current = new Date(start);
  return {
    now: () => current,
    advance(seconds: number) {
      current = new Date(current.getTime() + seconds * 1000);
    },
    epochSeconds: () => Math.floor(current.getTime() / 1000),
  };
}

// ---------------------------------------------------------------------------------------------
// Records, through the management API (as the admin token)

function created(res: Response, what: string): Record<string, unknown> {
  if (res.statusCode !== 201) throw new Error(`creating ${what} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export interface TestUser {
  id: string;
  name: string;
  password: string;
  roles: string[];
}

export async function createUser(
  t: TestApp,
  name: string,
  options: { roles?: string[]; password?: string } = {},
): Promise<TestUser> {
  const password = options.password ?? DEFAULT_PASSWORD;
  const roles = options.roles ?? ["itil"];
  const body = created(
    await t.call({ method: "POST", url: "/api/v1/users", payload: { name, password, roles } }),
    `user ${name}`,
  );
  return { id: String(body.id), name, password, roles };
}

export async function createScope(
  t: TestApp,
  name: string,
  options: { description?: string; limitAuthorizationToApis?: string[] } = {},
): Promise<{ id: string; name: string }> {
  const body = created(
    await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name, ...options } }),
    `auth scope ${name}`,
  );
  return { id: String(body.id), name };
}

export const REDIRECT_URL = "https://app.example.com/callback";

export interface TestClient {
  id: string;
  name: string;
  clientId: string;
  /** Null for a public client. */
  clientSecret: string | null;
  publicClient: boolean;
  redirectUrls: string[];
  authScopes: string[];
}

/** Creates an integration (confidential, Opaque tokens, one https redirect URL unless overridden). */
export async function createIntegration(
  t: TestApp,
  name: string,
  overrides: Record<string, unknown> = {},
): Promise<TestClient> {
  const body = created(
    await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      payload: { name, providerName: "Acme Corp", redirectUrls: [REDIRECT_URL], ...overrides },
    }),
    `integration ${name}`,
  );
  return {
    id: String(body.id),
    name,
    clientId: String(body.clientId),
    clientSecret: (body.clientSecret as string | null) ?? null,
    publicClient: body.publicClient === true,
    redirectUrls: body.redirectUrls as string[],
    authScopes: body.authScopes as string[],
  };
}

export async function createPolicy(
  t: TestApp,
  name: string,
  body: { restApis: string[]; integrations?: string[]; applyToAllIntegrations?: boolean; active?: boolean },
): Promise<{ id: string; name: string }> {
  const res = created(
    await t.call({ method: "POST", url: "/api/v1/api-access-policies", payload: { name, ...body } }),
    `policy ${name}`,
  );
  return { id: String(res.id), name };
}

const META_FIELDS = ["id", "version", "createdAt", "updatedAt", "clientSecretFingerprint"];

/**
 * Changes some fields of a record: GET it, PUT it back whole with the changes and If-Match (the
 * management API only replaces). `collection` is e.g. "integrations" or "auth-scopes".
 */
export async function updateRecord(
  t: TestApp,
  collection: string,
  id: string,
  changes: Record<string, unknown>,
): Promise<Response> {
  const url = `/api/v1/${collection}/${id}`;
  const current = await t.call({ method: "GET", url });
  if (current.statusCode !== 200) throw new Error(`reading ${url} → ${current.statusCode}: ${current.body}`);
  const body: Record<string, unknown> = { ...current.json(), ...changes };
  for (const field of META_FIELDS) delete body[field];
  const res = await t.call({
    method: "PUT",
    url,
    headers: { "if-match": String(current.headers.etag) },
    payload: body,
  });
  if (res.statusCode !== 200) throw new Error(`updating ${url} → ${res.statusCode}: ${res.body}`);
  return res;
}

export async function deleteRecord(t: TestApp, collection: string, id: string): Promise<void> {
  const res = await t.call({ method: "DELETE", url: `/api/v1/${collection}/${id}` });
  if (res.statusCode !== 204)
    throw new Error(`deleting ${collection}/${id} → ${res.statusCode}: ${res.body}`);
}

// ---------------------------------------------------------------------------------------------
// The browser: cookies, pages, forms

/** The cookies a browser would keep for this server (name → value as sent). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keeps every cookie a response sets. */
  store(res: Response): this {
    const header = res.headers["set-cookie"];
    const list = header === undefined ? [] : Array.isArray(header) ? header : [header];
    for (const cookie of list) {
      const pair = cookie.split(";")[0]!;
      const index = pair.indexOf("=");
      this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): this {
    this.cookies.set(name, value);
    return this;
  }

  without(name: string): CookieJar {
    const copy = new CookieJar();
    for (const [key, value] of this.cookies) if (key !== name) copy.set(key, value);
    return copy;
  }

  /** The Cookie request header. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export const SESSION_COOKIE = "ioa_session";
export const CSRF_COOKIE = "ioa_csrf";

/** Names of the cookies a response sets. */
export function cookiesSet(res: Response): string[] {
  const header = res.headers["set-cookie"];
  const list = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return list.map((cookie) => cookie.split("=")[0]!.trim());
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

/** The hidden inputs of a page's form, name → value (unescaped). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(match[1]!)] = unescapeHtml(match[2]!);
  }
  return fields;
}

/** Every URL a page references (src, href and form action attributes). */
export function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href|action)="([^"]*)"/g)].map((m) => unescapeHtml(m[1]!));
}

export type AuthorizeParams = Record<string, string | undefined>;

/** An authorization request URL (path and query) on this server. */
export function authorizeUrl(params: AuthorizeParams, path = AUTHORIZE_PATH): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.append(key, value);
  return `${path}?${query.toString()}`;
}

/** The usual parameters of an authorization request of this client. */
export function codeRequest(client: TestClient, extra: AuthorizeParams = {}): AuthorizeParams {
  return { response_type: "code", client_id: client.clientId, state: "state-123", ...extra };
}

export function formBody(form: Record<string, string | undefined>): string {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) if (value !== undefined) body.append(key, value);
  return body.toString();
}

const FORM = "application/x-www-form-urlencoded";

/** POSTs a form-encoded body with the jar's cookies, keeping the cookies the answer sets. */
export async function postForm(
  t: TestApp,
  url: string,
  form: Record<string, string | undefined>,
  jar?: CookieJar,
): Promise<Response> {
  const res = await t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": FORM, ...(jar ? { cookie: jar.header() } : {}) },
    payload: formBody(form),
  });
  jar?.store(res);
  return res;
}

/** GETs a page with the jar's cookies, keeping the cookies the answer sets. */
export async function getPage(t: TestApp, url: string, jar?: CookieJar): Promise<Response> {
  const res = await t.app.inject({ method: "GET", url, headers: jar ? { cookie: jar.header() } : {} });
  jar?.store(res);
  return res;
}

/**
 * Signs in through the built-in login page and returns the browser's cookies (session and CSRF).
 * With `params`, it starts from that authorization request (GET it, which shows the login page with
 * the CSRF cookie and the hidden return_to); otherwise from /oauth/login with a return_to.
 */
export async function login(
  t: TestApp,
  username: string,
  password: string,
  params?: AuthorizeParams,
  jar = new CookieJar(),
): Promise<CookieJar> {
  const start = params
    ? authorizeUrl(params)
    : `/oauth/login?return_to=${encodeURIComponent(`${AUTHORIZE_PATH}?response_type=code`)}`;
  const page = await getPage(t, start, jar);
  if (page.statusCode !== 200 || !page.body.includes('action="/oauth/login"')) {
    throw new Error(
      `expected the login page from ${start}, got ${page.statusCode}: ${page.body.slice(0, 300)}`,
    );
  }
  const fields = hiddenFields(page.body);
  const res = await postForm(t, "/oauth/login", { ...fields, username, password }, jar);
  if (res.statusCode !== 303 || jar.get(SESSION_COOKIE) === undefined) {
    throw new Error(`login of ${username} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  }
  if (res.headers.location !== fields.return_to)
    throw new Error(`login redirected to ${res.headers.location}`);
  return jar;
}

/** GETs the authorization request as a signed-in person; returns the consent form's hidden fields. */
export async function authorize(
  t: TestApp,
  params: AuthorizeParams,
  jar: CookieJar,
): Promise<Record<string, string>> {
  const res = await getPage(t, authorizeUrl(params), jar);
  if (res.statusCode !== 200 || !res.body.includes('action="/oauth/consent"')) {
    throw new Error(
      `expected the consent page, got ${res.statusCode} ${res.headers.location ?? ""}: ${res.body.slice(0, 300)}`,
    );
  }
  return hiddenFields(res.body);
}

export interface RedirectResult {
  status: number;
  location: string;
  url: URL;
  /** The query parameters of the redirect. */
  params: Record<string, string>;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
}

/** A redirect answer, with its Location parsed (code, state, iss, error). */
export function parseRedirect(res: Response): RedirectResult {
  const location = res.headers.location;
  if (typeof location !== "string")
    throw new Error(`expected a redirect, got ${res.statusCode}: ${res.body.slice(0, 300)}`);
  const url = new URL(location);
  const params = Object.fromEntries(url.searchParams);
  return {
    status: res.statusCode,
    location,
    url,
    params,
    code: params.code,
    state: params.state,
    iss: params.iss,
    error: params.error,
    errorDescription: params.error_description,
  };
}

export async function decide(
  t: TestApp,
  fields: Record<string, string>,
  jar: CookieJar,
  decision: "approve" | "deny",
): Promise<RedirectResult> {
  return parseRedirect(await postForm(t, "/oauth/consent", { ...fields, decision }, jar));
}

export const approve = (t: TestApp, fields: Record<string, string>, jar: CookieJar) =>
  decide(t, fields, jar, "approve");
export const deny = (t: TestApp, fields: Record<string, string>, jar: CookieJar) =>
  decide(t, fields, jar, "deny");

/** Authorize and approve: the code (and the rest of the redirect) for this request. */
export async function obtainCode(
  t: TestApp,
  params: AuthorizeParams,
  jar: CookieJar,
): Promise<RedirectResult & { code: string }> {
  const result = await approve(t, await authorize(t, params, jar), jar);
  if (!result.code) throw new Error(`no code in ${result.location}`);
  return result as RedirectResult & { code: string };
}

// ---------------------------------------------------------------------------------------------
// PKCE

export function codeVerifier(): string {
  return randomBytes(32).toString("base64url");
}

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export function pkce(): {
  verifier: string;
  challenge: string;
  params: { code_challenge: string; code_challenge_method: "S256" };
} {
  const verifier = codeVerifier();
  const challenge = s256(verifier);
  return { verifier, challenge, params: { code_challenge: challenge, code_challenge_method: "S256" } };
}

// ---------------------------------------------------------------------------------------------
// The client's back channel: token, introspection, revocation, the sample APIs

/** How the client authenticates: HTTP Basic, secret in the body, client_id only (public), or nothing. */
export type ClientAuth =
  | { method: "basic"; clientId: string; secret: string }
  | { method: "post"; clientId: string; secret: string }
  | { method: "none"; clientId: string }
  | { method: "admin"; token: string }
  | undefined;

/** The usual authentication of a test client: Basic for confidential clients, none for public ones. */
export function authOf(client: TestClient, method?: "basic" | "post" | "none"): ClientAuth {
  const chosen = method ?? (client.publicClient ? "none" : "basic");
  if (chosen === "none") return { method: "none", clientId: client.clientId };
  return { method: chosen, clientId: client.clientId, secret: client.clientSecret ?? "" };
}

/** client_secret_basic: each part form-encoded, then base64 (RFC 6749 §2.3.1). */
export function basicHeader(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
}

async function clientPost(
  t: TestApp,
  url: string,
  form: Record<string, string | undefined>,
  auth: ClientAuth,
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": FORM };
  const body = { ...form };
  if (auth?.method === "basic") headers.authorization = basicHeader(auth.clientId, auth.secret);
  if (auth?.method === "post") Object.assign(body, { client_id: auth.clientId, client_secret: auth.secret });
  if (auth?.method === "none") body.client_id = auth.clientId;
  if (auth?.method === "admin") headers.authorization = `Bearer ${auth.token}`;
  return t.app.inject({ method: "POST", url, headers, payload: formBody(body) });
}

/** POST to the token endpoint. */
export function exchange(
  t: TestApp,
  form: Record<string, string | undefined>,
  auth: ClientAuth,
): Promise<Response> {
  return clientPost(t, TOKEN_PATH, form, auth);
}

export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Redeems a code; fails the test unless it gives tokens. */
export async function redeem(
  t: TestApp,
  client: TestClient,
  code: string,
  extra: Record<string, string | undefined> = {},
  auth = authOf(client),
): Promise<Tokens> {
  const res = await exchange(t, { grant_type: "authorization_code", code, ...extra }, auth);
  if (res.statusCode !== 200) throw new Error(`redeeming the code → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export function refresh(
  t: TestApp,
  client: TestClient,
  refreshToken: string,
  extra: Record<string, string | undefined> = {},
  auth = authOf(client),
): Promise<Response> {
  return exchange(t, { grant_type: "refresh_token", refresh_token: refreshToken, ...extra }, auth);
}

/**
 * The whole grant for a signed-in person: authorize, approve, redeem. Public clients use PKCE;
 * confidential ones too when `usePkce`.
 */
export async function grantTokens(
  t: TestApp,
  client: TestClient,
  jar: CookieJar,
  options: { scope?: string; usePkce?: boolean } = {},
): Promise<Tokens> {
  const challenge = client.publicClient || options.usePkce ? pkce() : undefined;
  const { code } = await obtainCode(
    t,
    codeRequest(client, { scope: options.scope, ...challenge?.params }),
    jar,
  );
  return redeem(t, client, code, { code_verifier: challenge?.verifier });
}

export async function introspect(t: TestApp, token: string, auth: ClientAuth): Promise<Response> {
  return clientPost(t, INTROSPECT_PATH, { token }, auth);
}

/** Introspection as the admin: the token's live state, whoever holds it. */
export async function introspection(t: TestApp, token: string): Promise<Record<string, unknown>> {
  const res = await introspect(t, token, { method: "admin", token: t.tokens.admin });
  if (res.statusCode !== 200) throw new Error(`introspection → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export function revoke(t: TestApp, token: string, auth: ClientAuth): Promise<Response> {
  return clientPost(t, REVOKE_PATH, { token }, auth);
}

/** Calls a sample REST API with a bearer token (or none). */
export function callApi(
  t: TestApp,
  token: string | undefined,
  url = "/api/now/table/incident",
  method: "GET" | "POST" = "GET",
): Promise<Response> {
  return t.app.inject({
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(method === "POST" ? { payload: { short_description: "Printer on fire" } } : {}),
  });
}

/** Whether a string has the shape of a JWS compact serialisation. */
export function isJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Rows of a table, for checking what the database keeps. */
export async function rowsOf(t: TestApp, table: string): Promise<Record<string, unknown>[]> {
  return t.store.db.query(`SELECT * FROM ${table}`);
}

export async function countRows(t: TestApp, table: string): Promise<number> {
  const rows = await t.store.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]?.n ?? 0);
}
