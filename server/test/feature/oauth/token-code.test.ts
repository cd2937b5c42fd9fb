// The token endpoint's authorization_code grant (RFC 6749 §4.1.3, RFC 7636): PKCE, the bindings of a
// code (client, redirect URI, 60 s), exactly-once redemption even under a race, revocation of the
// tokens of a reused code (RFC 6749 §4.1.2), the no-store headers (§5.1), and the tokens' lifespans.
// (Client authentication: token-client-auth.test.ts.)
import { credentialHash } from "../../../src/domain/oauth/opaque";
import {
  authOf,
  basicHeader,
  callApi,
  createIntegration,
  exchange,
  introspection,
  pkce,
  REDIRECT_URL,
  redeem,
  refresh,
  type TestClient,
  TOKEN_PATH,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import {
  type CodeFor,
  codeGrant,
  expectOAuthError,
  expectTokens,
  signInWithClients,
} from "../../helpers/token-endpoint";

describe.each(DATABASES)("the token endpoint, authorization_code grant, on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let other: TestClient;
  let spa: TestClient;
  let codeFor: CodeFor;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    ({
      clients: { web, other, spa },
      codeFor,
    } = await signInWithClients(t, {
      web: ["Web app"],
      other: ["Other app"],
      spa: ["SPA", { publicClient: true }],
    }));
  });
  afterAll(async () => t.close());

  test("a wrong code_verifier → invalid_grant", async () => {
    const { params } = pkce();
    const code = await codeFor(spa, params);
    const res = await exchange(t, codeGrant(code, { code_verifier: pkce().verifier }), authOf(spa));
    expectOAuthError(res, 400, "invalid_grant");
    expectOAuthError(
      await exchange(t, codeGrant(code, { code_verifier: "short" }), authOf(spa)),
      400,
      "invalid_grant",
    );
  });

  test("a code_verifier for a code issued without code_challenge → invalid_grant", async () => {
    const res = await exchange(
      t,
      codeGrant(await codeFor(web), { code_verifier: pkce().verifier }),
      authOf(web),
    );
    expectOAuthError(res, 400, "invalid_grant");
  });

  test("a missing code_verifier when the authorization request had a code_challenge → invalid_grant", async () => {
    const code = await codeFor(web, pkce().params);
    expectOAuthError(await exchange(t, codeGrant(code), authOf(web)), 400, "invalid_grant");
  });

  test("code reuse → invalid_grant, and the tokens of the first redemption are revoked", async () => {
    const code = await codeFor(web);
    const first = await redeem(t, web, code);
    expect((await callApi(t, first.access_token)).statusCode).toBe(200);

    expectOAuthError(await exchange(t, codeGrant(code), authOf(web)), 400, "invalid_grant");
    expect(await introspection(t, first.access_token)).toEqual({ active: false });
    expect(await introspection(t, first.refresh_token)).toEqual({ active: false });
    const api = await callApi(t, first.access_token);
    expect(api.statusCode).toBe(401);
    expect(api.json()).toEqual({
      error: "invalid_token",
      error_description: "The token was revoked.",
      rule: "token",
    });
    expectOAuthError(await refresh(t, web, first.refresh_token), 400, "invalid_grant");
  });

  test("20 concurrent redemptions of one code → exactly one 200 and 19 × invalid_grant", async () => {
    const code = await codeFor(web);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => exchange(t, codeGrant(code), authOf(web))),
    );
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = responses.filter((r) => r.statusCode !== 200);
    expect(refused).toHaveLength(19);
    for (const res of refused) expectOAuthError(res, 400, "invalid_grant");
    // One issuance only: the code's family holds one access and one refresh token...
    const winner = responses.find((r) => r.statusCode === 200)!.json();
    const [{ family_id: family }] = (await t.store.db.query<{ family_id: string }>(
      "SELECT family_id FROM oauth_tokens WHERE token_hash = ?",
      [credentialHash(winner.access_token)],
    )) as [{ family_id: string }];
    const rows = await t.store.db.query<{ kind: string }>(
      "SELECT kind FROM oauth_tokens WHERE family_id = ?",
      [family],
    );
    expect(rows.map((r) => r.kind).sort()).toEqual(["access", "refresh"]);
    // ...and, the code having been presented more than once, they are revoked (RFC 6749 §4.1.2).
    expect(await introspection(t, winner.access_token)).toEqual({ active: false });
  });

  test("a code is good for 60 s: at 59 s it is redeemed, at 61 s → invalid_grant", async () => {
    const fresh = await codeFor(web);
    const stale = await codeFor(web);
    clock.advance(59);
    expectTokens(await exchange(t, codeGrant(fresh), authOf(web)));
    clock.advance(2);
    const res = await exchange(t, codeGrant(stale), authOf(web));
    expectOAuthError(res, 400, "invalid_grant");
    expect(res.json().error_description).toBe("The authorization code expired.");
  });

  test("a code bound to another client → invalid_grant (and its own client can still redeem it)", async () => {
    const code = await codeFor(web);
    const res = await exchange(t, codeGrant(code), authOf(other));
    expectOAuthError(res, 400, "invalid_grant");
    expect(res.json().error_description).toBe("The authorization code was issued to another client.");
    expectTokens(await exchange(t, codeGrant(code), authOf(web)));
  });

  test("a redirect_uri in the token request other than the authorization request's → invalid_grant", async () => {
    const second = "https://app.example.com/second";
    const client = await createIntegration(t, "Two redirects", { redirectUrls: [REDIRECT_URL, second] });
    const explicit = await codeFor(client, { redirect_uri: second });
    expectOAuthError(
      await exchange(t, codeGrant(explicit, { redirect_uri: REDIRECT_URL }), authOf(client)),
      400,
      "invalid_grant",
    );
    expectOAuthError(await exchange(t, codeGrant(explicit), authOf(client)), 400, "invalid_grant");
    expectTokens(await exchange(t, codeGrant(explicit, { redirect_uri: second }), authOf(client)));

    const implicit = await codeFor(client);
    expectOAuthError(
      await exchange(t, codeGrant(implicit, { redirect_uri: second }), authOf(client)),
      400,
      "invalid_grant",
    );
  });

  test("every token response, success or error, has Cache-Control: no-store and Pragma: no-cache", async () => {
    const responses = [
      await exchange(t, codeGrant(await codeFor(web)), authOf(web)),
      await exchange(t, codeGrant("no-such-code"), authOf(web)),
      await exchange(t, codeGrant("no-such-code"), {
        method: "basic",
        clientId: web.clientId,
        secret: "wrong".repeat(8),
      }),
      await exchange(t, { grant_type: "client_credentials" }, authOf(web)),
      await exchange(t, {}, authOf(web)),
      await t.app.inject({ method: "POST", url: TOKEN_PATH, payload: { grant_type: "authorization_code" } }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 400, 401, 400, 400, 400]);
    expect(responses.map((r) => r.json().error)).toEqual([
      undefined,
      "invalid_grant",
      "invalid_client",
      "unsupported_grant_type",
      "invalid_request",
      "invalid_request",
    ]);
    for (const res of responses) {
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.headers.pragma).toBe("no-cache");
    }
  });

  test("a repeated parameter in the token request → invalid_request", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: TOKEN_PATH,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basicHeader(web.clientId, web.clientSecret!),
      },
      payload: `grant_type=authorization_code&code=${await codeFor(web)}&code=another`,
    });
    expectOAuthError(res, 400, "invalid_request");
  });

  test("lifespans: expires_in is accessTokenLifespan (default 1800); the refresh token expires refreshTokenLifespan (default 8,640,000 s) after issue", async () => {
    const issuedAt = clock.epochSeconds();
    const defaults = await redeem(t, web, await codeFor(web));
    expect(defaults.expires_in).toBe(1800);
    expect(await introspection(t, defaults.access_token)).toMatchObject({
      active: true,
      iat: issuedAt,
      exp: issuedAt + 1800,
    });
    expect(await introspection(t, defaults.refresh_token)).toMatchObject({
      active: true,
      token_type: "refresh_token",
      iat: issuedAt,
      exp: issuedAt + 8_640_000,
    });

    const custom = await createIntegration(t, "Short lived", {
      accessTokenLifespan: 600,
      refreshTokenLifespan: 7200,
    });
    const tokens = await redeem(t, custom, await codeFor(custom));
    expect(tokens.expires_in).toBe(600);
    expect(await introspection(t, tokens.access_token)).toMatchObject({ exp: issuedAt + 600 });
    expect(await introspection(t, tokens.refresh_token)).toMatchObject({ exp: issuedAt + 7200 });
  });
});
