// Revocation (RFC 7009) at /oauth_revoke_token.do: a revoked token is inactive for introspection and
// refused by the APIs, for both token formats; revoking a refresh token takes its grant's access
// tokens with it; the answer is 200 whatever the token, and another client's token is left alone.
import {
  authOf,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createScope,
  createUser,
  grantTokens,
  introspect,
  introspection,
  login,
  revoke,
  type TestClient,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("revocation on %s", (kind) => {
  let t: TestApp;
  let jwtClient: TestClient;
  let opaqueClient: TestClient;
  let otherClient: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: testClock() });
    await createScope(t, "incidents.read", {
      description: "Read incidents",
      limitAuthorizationToApis: ["Table API"],
    });
    jwtClient = await createIntegration(t, "JWT app", {
      tokenFormat: "JWT",
      authScopes: ["incidents.read"],
      allowAccessOnlyToApisInSelectedScope: true,
    });
    opaqueClient = await createIntegration(t, "Opaque app", {
      tokenFormat: "Opaque",
      authScopes: ["incidents.read"],
    });
    otherClient = await createIntegration(t, "Other app");
    const alice = await createUser(t, "alice");
    jar = await login(t, alice.name, alice.password, codeRequest(jwtClient));
  });
  afterAll(async () => t.close());

  test("a revoked access token (POST /oauth_revoke_token.do) → {active:false}, for both formats", async () => {
    for (const client of [jwtClient, opaqueClient]) {
      const tokens = await grantTokens(t, client, jar);
      expect((await callApi(t, tokens.access_token)).statusCode).toBe(200);
      const res = await revoke(t, tokens.access_token, authOf(client));
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe("");
      expect((await introspect(t, tokens.access_token, authOf(client))).json()).toEqual({ active: false });
      expect((await callApi(t, tokens.access_token)).json()).toEqual({
        error: "invalid_token",
        error_description: "The token was revoked.",
        rule: "token",
      });
      // Revoking the access token leaves the refresh token alive.
      expect(await introspection(t, tokens.refresh_token)).toMatchObject({ active: true });
    }
  });

  test("revoking a refresh token revokes its access token too", async () => {
    for (const client of [jwtClient, opaqueClient]) {
      const tokens = await grantTokens(t, client, jar);
      expect((await revoke(t, tokens.refresh_token, authOf(client, "post"))).statusCode).toBe(200);
      expect(await introspection(t, tokens.refresh_token)).toEqual({ active: false });
      expect(await introspection(t, tokens.access_token)).toEqual({ active: false });
      expect((await callApi(t, tokens.access_token)).statusCode).toBe(401);
    }
  });

  test("revocation answers 200 for an unknown token, and for another client's token without revoking it", async () => {
    expect((await revoke(t, "never-issued-token", authOf(opaqueClient))).statusCode).toBe(200);
    const tokens = await grantTokens(t, opaqueClient, jar);
    expect((await revoke(t, tokens.access_token, authOf(otherClient))).statusCode).toBe(200);
    expect(await introspection(t, tokens.access_token)).toMatchObject({ active: true });
  });

  test("revocation needs client authentication: a wrong secret → 401 invalid_client, and nothing is revoked", async () => {
    const tokens = await grantTokens(t, opaqueClient, jar);
    const wrong = { method: "basic" as const, clientId: opaqueClient.clientId, secret: "w".repeat(43) };
    const res = await revoke(t, tokens.access_token, wrong);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe("invalid_client");
    expect(await introspection(t, tokens.access_token)).toMatchObject({ active: true });
  });
});
