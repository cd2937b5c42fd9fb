// Client authentication at the token endpoint (RFC 6749 §2.3.1, §3.2.1): client_secret_basic and
// client_secret_post for confidential clients, none (client_id only, with PKCE) for public clients,
// exactly one method per request, and inactive clients refused.
import type { LightMyRequestResponse } from "fastify";
import {
  authOf,
  basicHeader,
  type CookieJar,
  codeRequest,
  createIntegration,
  createUser,
  exchange,
  login,
  obtainCode,
  pkce,
  type TestClient,
  TOKEN_PATH,
  testClock,
  updateRecord,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

function expectOAuthError(res: LightMyRequestResponse, status: number, error: string) {
  expect({ status: res.statusCode, error: res.json().error }).toEqual({ status, error });
  expect(Object.keys(res.json()).sort()).toEqual(["error", "error_description"]);
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers.pragma).toBe("no-cache");
  if (status === 401) expect(res.headers["www-authenticate"]).toBe('Basic realm="inbound-oauth"');
}

describe.each(DATABASES)("client authentication at the token endpoint on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let spa: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    web = await createIntegration(t, "Web app");
    spa = await createIntegration(t, "SPA", { publicClient: true });
    const alice = await createUser(t, "alice", { roles: ["itil"] });
    jar = await login(t, alice.name, alice.password, codeRequest(web));
  });
  afterAll(async () => t.close());

  const codeFor = async (client: TestClient, extra: Record<string, string | undefined> = {}) =>
    (await obtainCode(t, codeRequest(client, extra), jar)).code;
  const grant = (code: string, extra: Record<string, string | undefined> = {}) => ({
    grant_type: "authorization_code",
    code,
    ...extra,
  });

  const expectTokens = (res: LightMyRequestResponse, expiresIn = 1800) => {
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers.pragma).toBe("no-cache");
    expect(res.json()).toEqual({
      access_token: expect.stringMatching(OPAQUE),
      token_type: "Bearer",
      expires_in: expiresIn,
      refresh_token: expect.stringMatching(OPAQUE),
      scope: "",
    });
  };

  test("a confidential client redeems a code with client_secret_basic", async () => {
    expectTokens(await exchange(t, grant(await codeFor(web)), authOf(web, "basic")));
  });

  test("a confidential client redeems a code with client_secret_post", async () => {
    expectTokens(await exchange(t, grant(await codeFor(web)), authOf(web, "post")));
  });

  test("client_secret_basic form-encodes the id and secret before base64 (RFC 6749 §2.3.1)", async () => {
    const secret = "a+b/c=d:e%f&g~h!i*j(k)l'm-n_o.p;q@r";
    const special = await createIntegration(t, "Special secret", { clientSecret: secret });
    expectTokens(await exchange(t, grant(await codeFor(special)), authOf(special, "basic")));
  });

  test("a wrong secret → 401 invalid_client with WWW-Authenticate; the code stays redeemable", async () => {
    const code = await codeFor(web);
    const wrong = { clientId: web.clientId, secret: "not-the-secret-not-the-secret-000" };
    expectOAuthError(await exchange(t, grant(code), { method: "basic", ...wrong }), 401, "invalid_client");
    expectOAuthError(await exchange(t, grant(code), { method: "post", ...wrong }), 401, "invalid_client");
    expectOAuthError(
      await exchange(t, grant(code), { method: "none", clientId: web.clientId }),
      401,
      "invalid_client",
    );
    expectOAuthError(await exchange(t, grant(code), undefined), 401, "invalid_client");
    expectTokens(await exchange(t, grant(code), authOf(web)));
  });

  test("Basic and client_secret in the body together → 400 invalid_request", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: TOKEN_PATH,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basicHeader(web.clientId, web.clientSecret!),
      },
      payload: new URLSearchParams({
        ...grant(await codeFor(web)),
        client_secret: web.clientSecret!,
      }).toString(),
    });
    expectOAuthError(res, 400, "invalid_request");
  });

  test("a public client redeems with client_id only (none) and PKCE S256", async () => {
    const { verifier, params } = pkce();
    const code = await codeFor(spa, params);
    expectTokens(await exchange(t, grant(code, { code_verifier: verifier }), authOf(spa, "none")));
  });

  test("a public client sending a secret → 401 invalid_client", async () => {
    const { verifier, params } = pkce();
    const code = await codeFor(spa, params);
    const secret = "x".repeat(43);
    for (const method of ["basic", "post"] as const) {
      const res = await exchange(t, grant(code, { code_verifier: verifier }), {
        method,
        clientId: spa.clientId,
        secret,
      });
      expectOAuthError(res, 401, "invalid_client");
    }
  });

  test("an integration made inactive after the code was issued → 401 invalid_client", async () => {
    const client = await createIntegration(t, "Soon inactive");
    const code = await codeFor(client);
    await updateRecord(t, "integrations", client.id, { active: false });
    expectOAuthError(await exchange(t, grant(code), authOf(client)), 401, "invalid_client");
  });

  test("/oauth/token is the same endpoint as /oauth_token.do", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/oauth/token",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basicHeader(web.clientId, web.clientSecret!),
      },
      payload: new URLSearchParams(grant(await codeFor(web))).toString(),
    });
    expectTokens(res);
  });
});
