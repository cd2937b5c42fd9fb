// The refresh_token grant (RFC 6749 §6): rotation, reuse detection revoking the whole grant
// (RFC 9700 §4.14.2), narrowing but never widening the scope, binding to the client, expiry.
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { credentialHash } from "../../../src/domain/oauth/opaque";
import {
  authOf,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createScope,
  createUser,
  grantTokens,
  introspection,
  login,
  refresh,
  revoke,
  type TestClient,
  type Tokens,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

function expectError(res: LightMyRequestResponse, error: string) {
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({ error, error_description: expect.any(String) });
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers.pragma).toBe("no-cache");
}

function tokensOf(res: LightMyRequestResponse): Tokens {
  expect(res.statusCode).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers.pragma).toBe("no-cache");
  return res.json();
}

describe.each(DATABASES)("the refresh_token grant on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let other: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    await createScope(t, "incidents.read", { description: "Read incidents" });
    await createScope(t, "incidents.write", { description: "Change incidents" });
    await createScope(t, "admin.all", { description: "Everything" });
    web = await createIntegration(t, "Web app", { authScopes: ["incidents.read", "incidents.write"] });
    other = await createIntegration(t, "Other app", { authScopes: ["incidents.read", "incidents.write"] });
    const alice = await createUser(t, "alice");
    jar = await login(t, alice.name, alice.password, codeRequest(web));
  });
  afterAll(async () => t.close());

  test("rotation issues a new refresh token (and access token); the old refresh token is then refused", async () => {
    const first = await grantTokens(t, web, jar);
    const second = tokensOf(await refresh(t, web, first.refresh_token));
    expect(second).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 1800,
      refresh_token: expect.any(String),
      scope: "incidents.read incidents.write",
    });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await callApi(t, second.access_token)).statusCode).toBe(200);
    expect(await introspection(t, first.refresh_token)).toEqual({ active: false });

    expectError(await refresh(t, web, first.refresh_token), "invalid_grant");
  });

  test("of any number of concurrent uses of one refresh token exactly one gets tokens, once; the others revoke the grant", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 12 }), async (uses) => {
        const first = await grantTokens(t, web, jar);
        const responses = await Promise.all(
          Array.from({ length: uses }, () => refresh(t, web, first.refresh_token)),
        );
        const won = responses.filter((r) => r.statusCode === 200);
        expect(won).toHaveLength(1);
        for (const res of responses.filter((r) => r.statusCode !== 200)) expectError(res, "invalid_grant");
        // One issuance only: the grant holds the first two tokens and one rotation's two, no more.
        const [{ family_id: family }] = (await t.store.db.query<{ family_id: string }>(
          "SELECT family_id FROM oauth_tokens WHERE token_hash = ?",
          [credentialHash(first.refresh_token)],
        )) as [{ family_id: string }];
        const rows = await t.store.db.query<{ kind: string }>(
          "SELECT kind FROM oauth_tokens WHERE family_id = ?",
          [family],
        );
        expect(rows.map((r) => r.kind).sort()).toEqual(["access", "access", "refresh", "refresh"]);
        // The losers presented a spent token: the winner's tokens are revoked with the grant.
        expect(await introspection(t, won[0]!.json().refresh_token)).toEqual({ active: false });
      }),
      { numRuns: 8 },
    );
  });

  test("reuse of a rotated refresh token revokes the whole family: the newest access and refresh tokens become inactive", async () => {
    const first = await grantTokens(t, web, jar);
    const second = tokensOf(await refresh(t, web, first.refresh_token));
    const third = tokensOf(await refresh(t, web, second.refresh_token));
    expect(await introspection(t, third.access_token)).toMatchObject({ active: true });

    const reuse = await refresh(t, web, first.refresh_token);
    expectError(reuse, "invalid_grant");
    expect(reuse.json().error_description).toBe(
      "The refresh token was already used; every token of its grant is now revoked.",
    );
    for (const token of [first.access_token, second.access_token, third.access_token, third.refresh_token]) {
      expect(await introspection(t, token)).toEqual({ active: false });
    }
    expect((await callApi(t, third.access_token)).statusCode).toBe(401);
    expectError(await refresh(t, web, third.refresh_token), "invalid_grant");
  });

  test("a refresh with a narrower scope gives a token with that scope", async () => {
    const first = await grantTokens(t, web, jar);
    const narrowed = tokensOf(await refresh(t, web, first.refresh_token, { scope: "incidents.read" }));
    expect(narrowed.scope).toBe("incidents.read");
    expect(await introspection(t, narrowed.access_token)).toMatchObject({
      active: true,
      scope: "incidents.read",
    });
    expect(await introspection(t, narrowed.refresh_token)).toMatchObject({
      active: true,
      scope: "incidents.read",
    });
  });

  test("a refresh asking for an extra scope → invalid_scope, and the refresh token is not spent", async () => {
    const first = await grantTokens(t, web, jar, { scope: "incidents.read" });
    expectError(
      await refresh(t, web, first.refresh_token, { scope: "incidents.read incidents.write" }),
      "invalid_scope",
    );
    expectError(await refresh(t, web, first.refresh_token, { scope: "admin.all" }), "invalid_scope");
    expect(await introspection(t, first.refresh_token)).toMatchObject({ active: true });
    const next = tokensOf(await refresh(t, web, first.refresh_token));
    expect(next.scope).toBe("incidents.read");
    // Not treated as reuse either: the grant's tokens are alive.
    expect(await introspection(t, next.access_token)).toMatchObject({ active: true });
  });

  test("another client's refresh token → invalid_grant, and it stays usable by its own client", async () => {
    const first = await grantTokens(t, web, jar);
    const res = await refresh(t, other, first.refresh_token);
    expectError(res, "invalid_grant");
    expect(res.json().error_description).toBe("The refresh token is not valid for this client.");
    expect(tokensOf(await refresh(t, web, first.refresh_token)).token_type).toBe("Bearer");
  });

  test("a public client refreshes with client_id only", async () => {
    const spa = await createIntegration(t, "SPA", { publicClient: true });
    const first = await grantTokens(t, spa, jar);
    expect(tokensOf(await refresh(t, spa, first.refresh_token, {}, authOf(spa, "none"))).token_type).toBe(
      "Bearer",
    );
  });

  test("an expired refresh token → invalid_grant", async () => {
    const short = await createIntegration(t, "Short refresh", {
      accessTokenLifespan: 60,
      refreshTokenLifespan: 3600,
    });
    const first = await grantTokens(t, short, jar);
    const rotated = tokensOf(await refresh(t, short, first.refresh_token));
    clock.advance(3600);
    const res = await refresh(t, short, rotated.refresh_token);
    expectError(res, "invalid_grant");
    expect(res.json().error_description).toBe("The refresh token expired.");
  });

  test("a revoked refresh token → invalid_grant; unknown or missing refresh_token is refused", async () => {
    const first = await grantTokens(t, web, jar);
    expect((await revoke(t, first.refresh_token, authOf(web))).statusCode).toBe(200);
    const res = await refresh(t, web, first.refresh_token);
    expectError(res, "invalid_grant");
    expect(res.json().error_description).toBe("The refresh token was revoked.");
    expectError(await refresh(t, web, "no-such-refresh-token"), "invalid_grant");
    expectError(await refresh(t, web, ""), "invalid_request");
  });

  test("an access token is not a refresh token", async () => {
    const first = await grantTokens(t, web, jar);
    expectError(await refresh(t, web, first.access_token), "invalid_grant");
  });
});
