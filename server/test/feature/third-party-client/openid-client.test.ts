// Interoperability with a widely used third-party client: panva's openid-client (v6) drives the
// whole authorization code flow against the built server (dist/) — RFC 8414 discovery, PKCE,
// the RFC 9207 iss check, code exchange, the sample API, introspection, refresh rotation and
// revocation — for a confidential client (client_secret_basic, JWT access tokens) and a public
// client (none + PKCE, opaque tokens).
//
// openid-client is ESM-only and these tests compile to CommonJS, so the client runs as a plain
// Node script (client-flow.mjs, beside this file) that prints a JSON summary; the assertions are here.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type AuthServer, manage, startAuthServer } from "../../helpers/built-server";

const ROOT = resolve(__dirname, "../../../..");
const CLIENT_FLOW = join(__dirname, "client-flow.mjs");
const TIMEOUT_MS = 60_000;

const SCOPE = { name: "incident.read", description: "Read your incidents" };
/** Never contacted: the script reads the consent response's Location instead of following it. */
const REDIRECT_URI = "http://127.0.0.1/callback";
const USER = { name: "demo", password: "demo-password" };

/** Runs client-flow.mjs with process.execPath and returns its JSON summary. */
function runClientFlow(input: Record<string, string>): Promise<Summary> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [CLIENT_FLOW, JSON.stringify(input)],
      {
        cwd: ROOT,
        timeout: TIMEOUT_MS - 10_000,
        maxBuffer: 4 * 1024 * 1024,
        env: { ...process.env, NODE_OPTIONS: "" },
      },
      (error, stdout, stderr) => {
        if (error) {
          fail(new Error(`client-flow.mjs failed (${error.message.split("\n")[0]}):\n${stderr}\n${stdout}`));
          return;
        }
        try {
          done(JSON.parse(stdout) as Summary);
        } catch {
          fail(new Error(`client-flow.mjs printed no JSON summary:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

// The summary's shape is client-flow.mjs's business; the tests match parts of it.
type Summary = Record<string, unknown>;

/** What openid-client must refuse before any token request: a wrong or missing iss, a wrong state. */
const REFUSED_RESPONSE = (cause: RegExp) => ({
  rejected: true,
  name: "ClientError",
  code: "OAUTH_INVALID_RESPONSE",
  cause: expect.stringMatching(cause),
});

describe("openid-client (v6) against the built server", () => {
  let dir: string;
  let server: AuthServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "inbound-oauth-openid-client-"));
    server = await startAuthServer(dir);
    await manage(server, "/api/v1/auth-scopes", { ...SCOPE, limitAuthorizationToApis: ["Table API"] });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  const cases = [
    { kind: "confidential", auth: "client_secret_basic", publicClient: false, tokenFormat: "JWT" },
    { kind: "public", auth: "none", publicClient: true, tokenFormat: "Opaque" },
  ] as const;

  test.each(cases)(
    "$kind client ($auth, $tokenFormat tokens): discovery, PKCE, iss check, code, API, introspection, refresh, revocation",
    async ({ kind, publicClient, tokenFormat }) => {
      const integration = await manage(server!, "/api/v1/integrations", {
        name: `openid-client ${kind}`,
        providerName: "panva/openid-client",
        redirectUrls: [REDIRECT_URI],
        authScopes: [SCOPE.name],
        publicClient,
        tokenFormat,
      });
      const clientId = String(integration.clientId);
      const base = server!.base;
      const summary = await runClientFlow({
        issuer: base,
        clientId,
        ...(publicClient ? {} : { clientSecret: String(integration.clientSecret) }),
        redirectUri: REDIRECT_URI,
        scope: SCOPE.name,
        username: USER.name,
        password: USER.password,
      });

      expect(summary.clientType).toBe(kind);
      expect(summary.discovery).toEqual({
        issuer: base,
        authorization_endpoint: `${base}/oauth_auth.do`,
        token_endpoint: `${base}/oauth_token.do`,
        introspection_endpoint: `${base}/oauth/introspect`,
        revocation_endpoint: `${base}/oauth_revoke_token.do`,
        jwks_uri: `${base}/api/now/oauth/jwks`,
        authorization_response_iss_parameter_supported: true,
        supportsPKCE: true,
      });
      expect(summary.authorizationRequest).toEqual({
        endpoint: `${base}/oauth_auth.do`,
        client_id: clientId,
        response_type: "code",
        redirect_uri: REDIRECT_URI,
        scope: SCOPE.name,
        state: expect.any(String),
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        code_challenge_method: "S256",
      });

      // The browserless login and consent.
      expect(summary.browserless).toEqual({
        loginPage: {
          status: 200,
          hiddenFields: ["csrf_token", "return_to"],
          returnTo: expect.stringMatching(/^\/oauth_auth\.do\?/),
        },
        login: {
          status: 303,
          location: (summary.browserless as { loginPage: { returnTo: string } }).loginPage.returnTo,
          cookies: ["ioa_csrf", "ioa_session"],
        },
        consentPage: {
          status: 200,
          integration: `openid-client ${kind}`,
          provider: "panva/openid-client",
          hiddenFields: [
            "client_id",
            "code_challenge",
            "code_challenge_method",
            "csrf_token",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
          ],
        },
        consent: { status: 303 },
      });
      expect(summary.callback).toEqual({
        redirectUri: REDIRECT_URI,
        parameters: ["code", "iss", "state"],
        stateMatches: true,
        iss: base,
      });

      // openid-client checks iss (the metadata says authorization_response_iss_parameter_supported)
      // and state before redeeming the code.
      expect(summary.responseChecks).toEqual({
        wrongIss: expect.objectContaining(
          REFUSED_RESPONSE(/unexpected "iss" \(issuer\) response parameter value/),
        ),
        missingIss: expect.objectContaining(REFUSED_RESPONSE(/response parameter "iss" \(issuer\) missing/)),
        wrongState: expect.objectContaining(REFUSED_RESPONSE(/unexpected "state" response parameter value/)),
      });

      // The code exchange, and the sample API with the access token.
      expect(summary.tokens).toEqual({
        token_type: "bearer",
        scope: SCOPE.name,
        expires_in: 1800,
        expiresIn: expect.any(Number),
        hasAccessToken: true,
        hasRefreshToken: true,
        accessTokenIsJwt: tokenFormat === "JWT",
      });
      if (tokenFormat === "JWT") {
        expect(summary.jwt).toEqual({
          verifiedWithJwks: true,
          alg: "ES256",
          typ: "at+jwt",
          kid: expect.any(String),
          iss: base,
          aud: base,
          sub: USER.name,
          client_id: clientId,
          scope: SCOPE.name,
        });
      } else {
        expect(summary.jwt).toBeUndefined();
      }
      const incidents = { status: 200, numbers: ["INC0000001", "INC0000002"] };
      expect(summary.api).toEqual(incidents);

      // Introspection (RFC 7662) by the client that holds the tokens.
      const active = (token_type: string, lifetime: number) => ({
        active: true,
        scope: SCOPE.name,
        client_id: clientId,
        username: USER.name,
        sub: USER.name,
        iss: base,
        token_type,
        lifetime,
      });
      const inactive = { active: false };
      expect(summary.introspection).toEqual({
        access: active("Bearer", 1800),
        refresh: active("refresh_token", 8_640_000),
      });

      // Refresh: a new access token, the refresh token rotated, the spent one inactive.
      expect(summary.refresh).toEqual({
        token_type: "bearer",
        scope: SCOPE.name,
        newAccessToken: true,
        rotatedRefreshToken: true,
        api: incidents,
        introspection: {
          access: active("Bearer", 1800),
          refresh: active("refresh_token", 8_640_000),
          spentRefresh: inactive,
        },
      });

      // Revocation (RFC 7009): an access token alone; a refresh token takes its grant with it.
      expect(summary.revokeAccess).toEqual({
        introspection: inactive,
        api: { status: 401, challenge: { scheme: "bearer", error: "invalid_token" } },
        refreshStillActive: true,
      });
      expect(summary.revokeRefresh).toEqual({
        introspection: inactive,
        firstAccessToken: inactive,
        refreshAfterRevocation: expect.objectContaining({
          rejected: true,
          error: "invalid_grant",
          status: 400,
        }),
      });

      // What openid-client sent: every POST authenticated the client as configured (HTTP Basic for
      // the confidential client, client_id alone in the body for the public one), and the refused
      // responses above never reached the token endpoint (the first POST redeems the code).
      const auth = publicClient
        ? { basicUser: undefined, bodyClientId: clientId, bodyClientSecret: false }
        : { basicUser: clientId, bodyClientId: undefined, bodyClientSecret: false };
      const post = (path: string, extra: Record<string, unknown> = {}) => ({
        path,
        grant_type: undefined,
        codeVerifier: false,
        redirectUri: undefined,
        ...auth,
        ...extra,
      });
      const token = (grant_type: string, extra: Record<string, unknown> = {}) =>
        post("/oauth_token.do", { grant_type, ...extra });
      const introspection = post("/oauth/introspect");
      const revocation = post("/oauth_revoke_token.do");
      expect(summary.requests).toEqual([
        token("authorization_code", { codeVerifier: true, redirectUri: REDIRECT_URI }),
        ...Array(2).fill(introspection),
        token("refresh_token"),
        ...Array(3).fill(introspection),
        revocation,
        ...Array(2).fill(introspection),
        revocation,
        ...Array(2).fill(introspection),
        token("refresh_token"),
      ]);
    },
    TIMEOUT_MS,
  );
});
