// A third-party OAuth client, panva's openid-client (v6), against the reference server: discovery
// of the RFC 8414 metadata, an authorization request with PKCE (S256) and state, the code exchange
// (validating the RFC 9207 iss response parameter), a call to the sample API, introspection,
// refresh-token rotation and revocation. The person's part (log in, approve) is played without a
// browser: fetch with a small cookie jar follows the server's login and consent pages.
//
// openid-client is an ES module only, so this runs as a plain Node script (the jest tests compile to
// CommonJS). openid-client-flow.test.ts spawns it:
//
//   node client-flow.mjs '{"issuer":"http://127.0.0.1:PORT","clientId":"...","clientSecret":"...",
//     "redirectUri":"http://127.0.0.1/callback","scope":"...","username":"demo","password":"..."}'
//
// clientSecret present: a confidential client (client_secret_basic); absent: a public client
// (token_endpoint_auth_method none, PKCE only). It prints one JSON summary on stdout and exits 0;
// on an unexpected failure it prints the error on stderr and exits 1.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as client from "openid-client";

const input = JSON.parse(process.argv[2] ?? "{}");
for (const key of ["issuer", "clientId", "redirectUri", "scope", "username", "password"]) {
  if (typeof input[key] !== "string") throw new Error(`client-flow.mjs: the input lacks ${key}`);
}
const confidential = typeof input.clientSecret === "string";

/** The cookies the "browser" holds for the authorization server (name → value). */
const jar = new Map();

function remember(response) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair, ...attributes] = cookie.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (expired) jar.delete(name);
    else jar.set(name, pair.slice(index + 1).trim());
  }
}

/** One browser-like request: the jar's cookies, no automatic redirects. */
async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.size) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  remember(response);
  const body = await response.text();
  return { status: response.status, location: response.headers.get("location"), body, url: String(url) };
}

const unescapeHtml = (text) =>
  text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e],
  );

/** The hidden inputs of a server-rendered form. */
function hiddenFields(html) {
  const fields = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(match[1])] = unescapeHtml(match[2]);
  }
  return fields;
}

const textOf = (html, id) => {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return match ? unescapeHtml(match[1]) : undefined;
};

function expectStatus(step, page, status) {
  if (page.status !== status) {
    throw new Error(
      `${step}: expected HTTP ${status}, got ${page.status} from ${page.url}\n${page.body.slice(0, 2000)}`,
    );
  }
}

const form = (fields) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** Runs an openid-client call that must fail; returns what it said. */
async function rejection(call) {
  try {
    await call();
  } catch (error) {
    return {
      rejected: true,
      name: error.name,
      code: error.code,
      error: error.error,
      message: error.message,
      cause: error.cause instanceof Error ? error.cause.message : undefined,
      status: error.status,
    };
  }
  return { rejected: false };
}

const summary = { clientType: confidential ? "confidential" : "public" };

/**
 * openid-client's own requests, through its customFetch hook: how each POST authenticated the
 * client (HTTP Basic, or client_id alone in the body) and which grant it asked for.
 */
const requests = [];
const recordingFetch = (url, options) => {
  if (options.method === "POST") {
    const headers = new Headers(options.headers);
    const body = new URLSearchParams(options.body ?? "");
    const basic = /^Basic\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
    requests.push({
      path: new URL(url).pathname,
      grant_type: body.get("grant_type") ?? undefined,
      basicUser: basic
        ? decodeURIComponent(Buffer.from(basic[1], "base64").toString().split(":")[0])
        : undefined,
      bodyClientId: body.get("client_id") ?? undefined,
      bodyClientSecret: body.has("client_secret"),
      codeVerifier: body.has("code_verifier"),
      redirectUri: body.get("redirect_uri") ?? undefined,
    });
  }
  return fetch(url, options);
};

// Discovery: RFC 8414 metadata (algorithm oauth2), plain http allowed for the loopback test server.
const issuer = new URL(input.issuer);
const config = await client.discovery(
  issuer,
  input.clientId,
  confidential ? { client_secret: input.clientSecret } : undefined,
  confidential ? client.ClientSecretBasic(input.clientSecret) : client.None(),
  { algorithm: "oauth2", execute: [client.allowInsecureRequests], [client.customFetch]: recordingFetch },
);
const metadata = config.serverMetadata();
summary.discovery = {
  issuer: metadata.issuer,
  authorization_endpoint: metadata.authorization_endpoint,
  token_endpoint: metadata.token_endpoint,
  introspection_endpoint: metadata.introspection_endpoint,
  revocation_endpoint: metadata.revocation_endpoint,
  jwks_uri: metadata.jwks_uri,
  authorization_response_iss_parameter_supported: metadata.authorization_response_iss_parameter_supported,
  supportsPKCE: metadata.supportsPKCE(),
};

// The authorization request.
const codeVerifier = client.randomPKCECodeVerifier();
const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: input.redirectUri,
  scope: input.scope,
  state,
  code_challenge: codeChallenge,
  code_challenge_method: "S256",
});
summary.authorizationRequest = {
  endpoint: `${authorizationUrl.origin}${authorizationUrl.pathname}`,
  ...Object.fromEntries(authorizationUrl.searchParams),
};

// The person: the login page, sign in, the consent page, approve.
const loginPage = await browse(authorizationUrl);
expectStatus("authorize (signed out)", loginPage, 200);
const loginFields = hiddenFields(loginPage.body);
const loggedIn = await browse(
  new URL("/oauth/login", issuer),
  form({ ...loginFields, username: input.username, password: input.password }),
);
expectStatus("login", loggedIn, 303);
const consentPage = await browse(new URL(loggedIn.location, issuer));
expectStatus("authorize (signed in)", consentPage, 200);
const consentFields = hiddenFields(consentPage.body);
const approved = await browse(
  new URL("/oauth/consent", issuer),
  form({ ...consentFields, decision: "approve" }),
);
expectStatus("consent", approved, 303);
const callbackUrl = new URL(approved.location);
summary.browserless = {
  loginPage: {
    status: loginPage.status,
    hiddenFields: Object.keys(loginFields).sort(),
    returnTo: loginFields.return_to,
  },
  login: { status: loggedIn.status, location: loggedIn.location, cookies: [...jar.keys()].sort() },
  consentPage: {
    status: consentPage.status,
    integration: textOf(consentPage.body, "integration"),
    provider: textOf(consentPage.body, "provider"),
    hiddenFields: Object.keys(consentFields).sort(),
  },
  consent: { status: approved.status },
};
summary.callback = {
  redirectUri: `${callbackUrl.origin}${callbackUrl.pathname}`,
  parameters: Object.keys(Object.fromEntries(callbackUrl.searchParams)).sort(),
  stateMatches: callbackUrl.searchParams.get("state") === state,
  iss: callbackUrl.searchParams.get("iss"),
};

// openid-client validates the response before it redeems the code: a wrong or missing iss (RFC
// 9207) and a wrong state are refused without a token request, so the code stays unused.
const tampered = (change) => {
  const url = new URL(callbackUrl);
  change(url.searchParams);
  return url;
};
summary.responseChecks = {
  wrongIss: await rejection(() =>
    client.authorizationCodeGrant(
      config,
      tampered((p) => p.set("iss", "https://attacker.example")),
      { pkceCodeVerifier: codeVerifier, expectedState: state },
    ),
  ),
  missingIss: await rejection(() =>
    client.authorizationCodeGrant(
      config,
      tampered((p) => p.delete("iss")),
      { pkceCodeVerifier: codeVerifier, expectedState: state },
    ),
  ),
  wrongState: await rejection(() =>
    client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: codeVerifier,
      expectedState: client.randomState(),
    }),
  ),
};

// The code exchange.
const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
  pkceCodeVerifier: codeVerifier,
  expectedState: state,
});
const isJwt = (token) => token.split(".").length === 3;
summary.tokens = {
  token_type: tokens.token_type,
  scope: tokens.scope,
  expires_in: tokens.expires_in,
  expiresIn: tokens.expiresIn(),
  hasAccessToken: typeof tokens.access_token === "string" && tokens.access_token.length > 0,
  hasRefreshToken: typeof tokens.refresh_token === "string" && tokens.refresh_token.length > 0,
  accessTokenIsJwt: isJwt(tokens.access_token),
};
if (isJwt(tokens.access_token)) {
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
    issuer: metadata.issuer,
    audience: metadata.issuer,
    typ: "at+jwt",
  });
  summary.jwt = {
    verifiedWithJwks: true,
    alg: protectedHeader.alg,
    typ: protectedHeader.typ,
    kid: decodeProtectedHeader(tokens.access_token).kid,
    iss: payload.iss,
    aud: payload.aud,
    sub: payload.sub,
    client_id: payload.client_id,
    scope: payload.scope,
  };
}

const incidentsUrl = new URL("/api/now/table/incident", issuer);
/** GET /api/now/table/incident; a refusal's WWW-Authenticate challenge comes back as an error. */
async function callApi(accessToken) {
  try {
    const response = await client.fetchProtectedResource(config, accessToken, incidentsUrl, "GET");
    const body = await response.json();
    return {
      status: response.status,
      numbers: Array.isArray(body.result) ? body.result.map((r) => r.number) : body,
    };
  } catch (error) {
    if (!(error instanceof client.WWWAuthenticateChallengeError)) throw error;
    const [challenge] = error.cause;
    return {
      status: error.response.status,
      challenge: { scheme: challenge.scheme, error: challenge.parameters.error },
    };
  }
}
const introspect = async (token) => {
  const { active, scope, client_id, username, token_type, sub, iss, exp, iat } =
    await client.tokenIntrospection(config, token);
  return {
    active,
    scope,
    client_id,
    username,
    token_type,
    sub,
    iss,
    lifetime: exp && iat ? exp - iat : undefined,
  };
};

summary.api = await callApi(tokens.access_token);
summary.introspection = {
  access: await introspect(tokens.access_token),
  refresh: await introspect(tokens.refresh_token),
};

// Refresh: a new access token and a rotated refresh token; the spent one is no longer active.
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
summary.refresh = {
  token_type: refreshed.token_type,
  scope: refreshed.scope,
  newAccessToken: refreshed.access_token !== tokens.access_token,
  rotatedRefreshToken:
    typeof refreshed.refresh_token === "string" && refreshed.refresh_token !== tokens.refresh_token,
  api: await callApi(refreshed.access_token),
  introspection: {
    access: await introspect(refreshed.access_token),
    refresh: await introspect(refreshed.refresh_token),
    spentRefresh: await introspect(tokens.refresh_token),
  },
};

// Revocation (RFC 7009): the new access token alone, then the refresh token with its whole grant.
await client.tokenRevocation(config, refreshed.access_token);
summary.revokeAccess = {
  introspection: await introspect(refreshed.access_token),
  api: await callApi(refreshed.access_token),
  refreshStillActive: (await introspect(refreshed.refresh_token)).active,
};
await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: "refresh_token" });
summary.revokeRefresh = {
  introspection: await introspect(refreshed.refresh_token),
  firstAccessToken: await introspect(tokens.access_token),
  refreshAfterRevocation: await rejection(() => client.refreshTokenGrant(config, refreshed.refresh_token)),
};

summary.requests = requests;

process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
