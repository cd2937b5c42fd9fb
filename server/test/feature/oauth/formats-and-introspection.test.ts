// Token formats (JWT signed with the server's key and published in the JWKS; Opaque, stored only as a
// SHA-256), introspection (RFC 7662), the metadata document (RFC 8414), and JWTs across a key
// rotation. (Revocation: revocation.test.ts.)
import { createHash } from "node:crypto";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import {
  authOf,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createScope,
  createUser,
  grantTokens,
  INTROSPECT_PATH,
  ISSUER,
  introspect,
  introspection,
  isJwt,
  JWKS_PATH,
  login,
  refresh,
  rowsOf,
  type TestClient,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const OPAQUE = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

describe.each(DATABASES)("token formats and introspection on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let jwtClient: TestClient;
  let opaqueClient: TestClient;
  let otherClient: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
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

  const jwks = async (): Promise<JSONWebKeySet> => {
    const res = await t.app.inject({ method: "GET", url: JWKS_PATH });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const verify = async (token: string) =>
    jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: ISSUER,
      audience: ISSUER,
      algorithms: ["ES256"],
      typ: "at+jwt",
      currentDate: clock.now(),
    });

  test("tokenFormat JWT: the access token verifies against GET /api/now/oauth/jwks, with iss, sub, aud, client_id, scope, iat, exp, jti and apis", async () => {
    const now = clock.epochSeconds();
    const tokens = await grantTokens(t, jwtClient, jar);
    expect(isJwt(tokens.access_token)).toBe(true);
    const { payload, protectedHeader } = await verify(tokens.access_token);
    const keys = (await jwks()).keys;
    expect(protectedHeader).toEqual({ alg: "ES256", kid: keys[0]!.kid, typ: "at+jwt" });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: "alice",
      aud: ISSUER,
      client_id: jwtClient.clientId,
      scope: "incidents.read",
      iat: now,
      exp: now + 1800,
      jti: expect.stringMatching(UUID),
      apis: ["Table API"],
    });
    expect(await introspection(t, tokens.access_token)).toMatchObject({ active: true, jti: payload.jti });
    // The refresh token stays opaque; a refreshed access token is a JWT again.
    expect(tokens.refresh_token).toMatch(OPAQUE);
    const refreshed = (await refresh(t, jwtClient, tokens.refresh_token)).json();
    expect((await verify(refreshed.access_token)).payload.jti).not.toBe(payload.jti);
    // The JWT itself is not stored: its row is found by jti and has no hash.
    const rows = await t.store.db.query("SELECT token_hash FROM oauth_tokens WHERE id = ?", [payload.jti]);
    expect(rows).toEqual([{ token_hash: null }]);
  });

  test("tokenFormat Opaque: the access token is not a JWT, and only SHA-256s are stored (no plaintext anywhere)", async () => {
    const tokens = await grantTokens(t, opaqueClient, jar);
    expect(tokens.access_token).toMatch(OPAQUE);
    expect(isJwt(tokens.access_token)).toBe(false);
    expect(() => decodeProtectedHeader(tokens.access_token)).toThrow();
    const rows = await rowsOf(t, "oauth_tokens");
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tokens.access_token);
    expect(dump).not.toContain(tokens.refresh_token);
    const hashes = rows.map((row) => row.token_hash);
    expect(hashes).toEqual(
      expect.arrayContaining([sha256(tokens.access_token), sha256(tokens.refresh_token)]),
    );
    // Neither codes nor login sessions are kept in the clear either.
    const sessionId = jar.get("ioa_session")!;
    expect(JSON.stringify(await rowsOf(t, "login_sessions"))).not.toContain(sessionId);
    expect((await rowsOf(t, "login_sessions")).map((row) => row.id_hash)).toContain(sha256(sessionId));
  });

  test("introspection by the owning client → active, with scope, client_id, exp and the rest", async () => {
    for (const client of [jwtClient, opaqueClient]) {
      const now = clock.epochSeconds();
      const tokens = await grantTokens(t, client, jar);
      for (const method of ["basic", "post"] as const) {
        const res = await introspect(t, tokens.access_token, authOf(client, method));
        expect(res.statusCode).toBe(200);
        expect(res.headers["cache-control"]).toBe("no-store");
        expect(res.json()).toEqual({
          active: true,
          scope: "incidents.read",
          client_id: client.clientId,
          username: "alice",
          token_type: "Bearer",
          exp: now + 1800,
          iat: now,
          sub: "alice",
          aud: ISSUER,
          iss: ISSUER,
          jti: expect.stringMatching(UUID),
        });
      }
      expect((await introspect(t, tokens.refresh_token, authOf(client))).json()).toMatchObject({
        active: true,
        token_type: "refresh_token",
        exp: now + 8_640_000,
      });
    }
  });

  test("introspection by another client → exactly {active:false}", async () => {
    for (const client of [jwtClient, opaqueClient]) {
      const tokens = await grantTokens(t, client, jar);
      for (const token of [tokens.access_token, tokens.refresh_token]) {
        const res = await introspect(t, token, authOf(otherClient));
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ active: false });
      }
    }
  });

  test("introspection with an admin bearer token → active; a wrong bearer or no client authentication → 401 invalid_client", async () => {
    const tokens = await grantTokens(t, opaqueClient, jar);
    const res = await introspect(t, tokens.access_token, { method: "admin", token: t.tokens.admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      active: true,
      client_id: opaqueClient.clientId,
      scope: "incidents.read",
    });

    for (const auth of [{ method: "admin" as const, token: "ioa_not_a_real_token" }, undefined]) {
      const refused = await introspect(t, tokens.access_token, auth);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toBe("invalid_client");
    }
    expect(
      (
        await introspect(t, tokens.access_token, {
          method: "basic",
          clientId: opaqueClient.clientId,
          secret: "w".repeat(43),
        })
      ).statusCode,
    ).toBe(401);
  });

  test("introspection of an unknown or garbage token → {active:false}", async () => {
    for (const token of ["unknown-token", "a.b.c", "x".repeat(5000)]) {
      expect((await introspect(t, token, authOf(opaqueClient))).json()).toEqual({ active: false });
    }
  });

  test("metadata at /.well-known/oauth-authorization-server lists exactly what is supported, endpoints under the issuer", async () => {
    const res = await t.app.inject({ method: "GET", url: "/.well-known/oauth-authorization-server" });
    expect(res.statusCode).toBe(200);
    const metadata = res.json();
    expect(metadata).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth_auth.do`,
      token_endpoint: `${ISSUER}/oauth_token.do`,
      jwks_uri: `${ISSUER}/api/now/oauth/jwks`,
      revocation_endpoint: `${ISSUER}/oauth_revoke_token.do`,
      introspection_endpoint: `${ISSUER}${INTROSPECT_PATH}`,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      authorization_response_iss_parameter_supported: true,
    });
    // Every advertised endpoint is served here.
    const probes = [
      ["GET", metadata.authorization_endpoint],
      ["POST", metadata.token_endpoint],
      ["GET", metadata.jwks_uri],
      ["POST", metadata.revocation_endpoint],
      ["POST", metadata.introspection_endpoint],
    ] as const;
    for (const [method, url] of probes) {
      const probe = await t.app.inject({ method, url: new URL(url).pathname });
      expect(probe.statusCode).not.toBe(404);
    }
  });

  test("a JWT issued before a key rotation still verifies against the JWKS and is accepted by the sample API afterwards", async () => {
    const before = await grantTokens(t, jwtClient, jar);
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const rotated = await t.call({ method: "POST", url: "/api/v1/keys/rotate" });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().kid).not.toBe(oldKid);

    expect((await jwks()).keys.map((key) => key.kid)).toEqual([rotated.json().kid, oldKid]);
    await expect(verify(before.access_token)).resolves.toBeDefined();
    expect((await callApi(t, before.access_token)).statusCode).toBe(200);
    expect(await introspection(t, before.access_token)).toMatchObject({ active: true });

    const after = await grantTokens(t, jwtClient, jar);
    expect(decodeProtectedHeader(after.access_token).kid).toBe(rotated.json().kid);
    await expect(verify(after.access_token)).resolves.toBeDefined();
    expect((await callApi(t, after.access_token)).statusCode).toBe(200);
  });
});
