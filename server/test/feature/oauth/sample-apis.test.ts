// The sample REST APIs (/api/now/table, /api/now/attachment, /api/now/stats) as resource servers
// (RFC 6750): the token must be valid, unexpired and unrevoked, and the user's roles must allow the
// operation; each refusal names its rule. (Scope rules and token restriction: sample-apis-rules.test.ts.)
import { generateKeyPairSync } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { decodeProtectedHeader, SignJWT } from "jose";
import { DEFAULT_KEY_RETENTION_DAYS } from "../../../src/contract";
import { KeyEncryptionKey, SigningKeys } from "../../../src/domain/oauth/keys";
import {
  authOf,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createUser,
  grantTokens,
  login,
  revoke,
  type TestClient,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const TABLE = "/api/now/table/incident";
const ATTACHMENT = "/api/now/attachment";
const STATS = "/api/now/stats/incident";

function expectRefused(res: LightMyRequestResponse, status: 401 | 403, rule: string, description?: string) {
  const error = status === 401 ? "invalid_token" : "insufficient_scope";
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual({ error, error_description: description ?? expect.any(String), rule });
  expect(res.headers["www-authenticate"]).toMatch(
    new RegExp(`^Bearer realm="inbound-oauth", error="${error}", error_description="`),
  );
  expect(res.headers["cache-control"]).toBe("no-store");
}

describe.each(DATABASES)("tokens at the sample APIs on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let jwt: TestClient;
  let keys: SigningKeys;
  const jars: Record<string, CookieJar> = {};

  beforeAll(async () => {
    t = await startTestApp(kind, {
      clock,
      keys: (db, c) => {
        keys = new SigningKeys(db, c, {
          retentionDays: DEFAULT_KEY_RETENTION_DAYS,
          kek: KeyEncryptionKey.ephemeral(),
        });
        return keys;
      },
    });
    web = await createIntegration(t, "Web app", { accessTokenLifespan: 300 });
    jwt = await createIntegration(t, "JWT app", { tokenFormat: "JWT", accessTokenLifespan: 300 });
    for (const [name, roles] of [
      ["itil.user", ["itil"]],
      ["plain.user", ["user"]],
      ["no.roles", []],
    ] as const) {
      const user = await createUser(t, name, { roles: [...roles] });
      jars[name] = await login(t, user.name, user.password, codeRequest(web));
    }
  });
  afterAll(async () => t.close());

  test("a valid token reaches all three sample APIs", async () => {
    for (const client of [web, jwt]) {
      const { access_token } = await grantTokens(t, client, jars["itil.user"]!);
      const table = await callApi(t, access_token, TABLE);
      expect(table.statusCode).toBe(200);
      expect(table.json().result).toHaveLength(2);
      expect((await callApi(t, access_token, ATTACHMENT)).statusCode).toBe(200);
      expect((await callApi(t, access_token, STATS)).json()).toEqual({ result: { stats: { count: "2" } } });
    }
  });

  test("no token → 401 with WWW-Authenticate: Bearer", async () => {
    for (const url of [TABLE, ATTACHMENT, STATS]) {
      const res = await callApi(t, undefined, url);
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="inbound-oauth"');
      expect(res.json()).toMatchObject({ error: "invalid_token", rule: "token" });
    }
    const basic = await t.app.inject({
      method: "GET",
      url: TABLE,
      headers: { authorization: "Basic dXNlcjpwYXNz" },
    });
    expect(basic.statusCode).toBe(401);
    expect(basic.headers["www-authenticate"]).toBe('Bearer realm="inbound-oauth"');
  });

  test("an invalid token → 401 invalid_token naming why", async () => {
    expectRefused(await callApi(t, "not-a-token"), 401, "token", "The token is not valid.");
    const { access_token, refresh_token } = await grantTokens(t, jwt, jars["itil.user"]!);
    // A refresh token is not an access token.
    expectRefused(await callApi(t, refresh_token), 401, "token", "The token is not valid.");
    // A tampered payload breaks the signature.
    const [header, payload, signature] = access_token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: "admin" })).toString("base64url");
    expectRefused(
      await callApi(t, `${header}.${forged}.${signature}`),
      401,
      "token",
      "The token is not valid.",
    );
    // A token signed by another key: unknown kid, or this server's kid.
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const sign = (kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(privateKey);
    expectRefused(
      await callApi(t, await sign("foreign-key")),
      401,
      "token",
      "The token is not signed by a key of this server.",
    );
    expectRefused(
      await callApi(t, await sign(decodeProtectedHeader(access_token).kid!)),
      401,
      "token",
      "The token is not valid.",
    );
    // Signed with this server's own key, but for another audience, or never issued (no record).
    const active = await keys.active();
    const ours = (changes: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...changes })
        .setProtectedHeader({ alg: "ES256", kid: active.kid, typ: "at+jwt" })
        .sign(active.privateKey);
    expect((await callApi(t, await ours({}))).statusCode).toBe(200);
    expectRefused(
      await callApi(t, await ours({ aud: "https://other.example" })),
      401,
      "token",
      "The token is not valid.",
    );
    expectRefused(
      await callApi(t, await ours({ iss: "https://other.example" })),
      401,
      "token",
      "The token is not valid.",
    );
    expectRefused(
      await callApi(t, await ours({ jti: "01900000-0000-7000-8000-000000000000" })),
      401,
      "token",
      "The token is not valid.",
    );
  });

  test("an expired token (the clock past accessTokenLifespan) → 401 invalid_token 'The token expired.'", async () => {
    const opaque = await grantTokens(t, web, jars["itil.user"]!);
    const signed = await grantTokens(t, jwt, jars["itil.user"]!);
    clock.advance(299);
    expect((await callApi(t, opaque.access_token)).statusCode).toBe(200);
    expect((await callApi(t, signed.access_token)).statusCode).toBe(200);
    clock.advance(1);
    expectRefused(await callApi(t, opaque.access_token), 401, "token", "The token expired.");
    expectRefused(await callApi(t, signed.access_token), 401, "token", "The token expired.");
  });

  test("a revoked token → 401 invalid_token 'The token was revoked.'", async () => {
    for (const client of [web, jwt]) {
      const { access_token } = await grantTokens(t, client, jars["itil.user"]!);
      expect((await revoke(t, access_token, authOf(client))).statusCode).toBe(200);
      expectRefused(await callApi(t, access_token), 401, "token", "The token was revoked.");
    }
  });

  test("roles: 'user' may GET but not POST /api/now/table/incident (403 rule role); 'itil' may POST (201)", async () => {
    const reader = await grantTokens(t, web, jars["plain.user"]!);
    expect((await callApi(t, reader.access_token, TABLE)).statusCode).toBe(200);
    expectRefused(
      await callApi(t, reader.access_token, TABLE, "POST"),
      403,
      "role",
      "Changing Table API needs one of the roles itil, admin; plain.user has user.",
    );

    const writer = await grantTokens(t, web, jars["itil.user"]!);
    const created = await callApi(t, writer.access_token, TABLE, "POST");
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ result: { table: "incident", created: true } });

    const nobody = await grantTokens(t, web, jars["no.roles"]!);
    expectRefused(
      await callApi(t, nobody.access_token, TABLE),
      403,
      "role",
      "Reading Table API needs one of the roles user, itil, admin; no.roles has none.",
    );
  });
});
