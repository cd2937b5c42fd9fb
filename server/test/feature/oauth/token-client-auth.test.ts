// Client authentication at the token endpoint (RFC 6749 §2.3.1, §3.2.1): client_secret_basic and
// client_secret_post for confidential clients, none (client_id only, with PKCE) for public clients,
// exactly one method per request, and inactive clients refused.
import {
  authOf,
  basicHeader,
  createIntegration,
  exchange,
  pkce,
  type TestClient,
  TOKEN_PATH,
  testClock,
  updateRecord,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import {
  type CodeFor,
  codeGrant,
  expectOAuthError,
  expectTokens,
  signInWithClients,
} from "../../helpers/token-endpoint";

describe.each(DATABASES)("client authentication at the token endpoint on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let spa: TestClient;
  let codeFor: CodeFor;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    ({
      clients: { web, spa },
      codeFor,
    } = await signInWithClients(t, { web: ["Web app"], spa: ["SPA", { publicClient: true }] }));
  });
  afterAll(async () => t.close());

  test("a confidential client redeems a code with client_secret_basic", async () => {
    expectTokens(await exchange(t, codeGrant(await codeFor(web)), authOf(web, "basic")));
  });

  test("a confidential client redeems a code with client_secret_post", async () => {
    expectTokens(await exchange(t, codeGrant(await codeFor(web)), authOf(web, "post")));
  });

  test("client_secret_basic form-encodes the id and secret before base64 (RFC 6749 §2.3.1)", async () => {
    const secret = "a+b/c=d:e%f&g~h!i*j(k)l'm-n_o.p;q@r";
    const special = await createIntegration(t, "Special secret", { clientSecret: secret });
    expectTokens(await exchange(t, codeGrant(await codeFor(special)), authOf(special, "basic")));
  });

  test("a wrong secret → 401 invalid_client with WWW-Authenticate; the code stays redeemable", async () => {
    const code = await codeFor(web);
    const wrong = { clientId: web.clientId, secret: "not-the-secret-not-the-secret-000" };
    expectOAuthError(
      await exchange(t, codeGrant(code), { method: "basic", ...wrong }),
      401,
      "invalid_client",
    );
    expectOAuthError(await exchange(t, codeGrant(code), { method: "post", ...wrong }), 401, "invalid_client");
    expectOAuthError(
      await exchange(t, codeGrant(code), { method: "none", clientId: web.clientId }),
      401,
      "invalid_client",
    );
    expectOAuthError(await exchange(t, codeGrant(code), undefined), 401, "invalid_client");
    expectTokens(await exchange(t, codeGrant(code), authOf(web)));
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
        ...codeGrant(await codeFor(web)),
        client_secret: web.clientSecret!,
      }).toString(),
    });
    expectOAuthError(res, 400, "invalid_request");
  });

  test("a public client redeems with client_id only (none) and PKCE S256", async () => {
    const { verifier, params } = pkce();
    const code = await codeFor(spa, params);
    expectTokens(await exchange(t, codeGrant(code, { code_verifier: verifier }), authOf(spa, "none")));
  });

  test("a public client sending a secret → 401 invalid_client", async () => {
    const { verifier, params } = pkce();
    const code = await codeFor(spa, params);
    const secret = "x".repeat(43);
    for (const method of ["basic", "post"] as const) {
      const res = await exchange(t, codeGrant(code, { code_verifier: verifier }), {
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
    expectOAuthError(await exchange(t, codeGrant(code), authOf(client)), 401, "invalid_client");
  });

  test("/oauth/token is the same endpoint as /oauth_token.do", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/oauth/token",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basicHeader(web.clientId, web.clientSecret!),
      },
      payload: new URLSearchParams(codeGrant(await codeFor(web))).toString(),
    });
    expectTokens(res);
  });
});
