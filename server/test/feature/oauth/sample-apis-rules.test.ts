import type { LightMyRequestResponse } from "fastify";
import {
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createPolicy,
  createScope,
  createUser,
  grantTokens,
  login,
  type TestClient,
  testClock,
  updateRecord,
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

describe.each(DATABASES)("scope rules and token restriction at the sample APIs on %s", (kind) => {
  let t: TestApp;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: testClock() });
    await createScope(t, "table", { description: "The Table API", limitAuthorizationToApis: ["Table API"] });
    await createScope(t, "files", {
      description: "Attachments",
      limitAuthorizationToApis: ["Attachment API"],
    });
    await createScope(t, "profile", { description: "No API limit" });
    const user = await createUser(t, "itil.user", { roles: ["itil"] });
    const first = await createIntegration(t, "First app");
    jar = await login(t, user.name, user.password, codeRequest(first));
  });
  afterAll(async () => t.close());

  const tokenFor = async (client: TestClient, scope?: string) =>
    (await grantTokens(t, client, jar, { scope })).access_token;

  test("a scope with limitAuthorizationToApis [Table API] protects it: a token without that scope → 403 rule scope", async () => {
    const client = await createIntegration(t, "Scoped app", { authScopes: ["table", "profile"] });
    const without = await tokenFor(client, "profile");
    expectRefused(
      await callApi(t, without, TABLE),
      403,
      "scope",
      '"Table API" is limited to tokens with scope table.',
    );
    // APIs no scope lists stay open to it.
    expect((await callApi(t, without, STATS)).statusCode).toBe(200);
    expect((await callApi(t, await tokenFor(client, "table"), TABLE)).statusCode).toBe(200);
    // The same holds for a token with no scope at all.
    const bare = await createIntegration(t, "Bare app");
    expectRefused(await callApi(t, await tokenFor(bare), TABLE), 403, "scope");
  });

  test("allowAccessOnlyToApisInSelectedScope: an API outside the token's scopes' lists → 403 rule scope", async () => {
    const client = await createIntegration(t, "Only selected", {
      authScopes: ["table", "files", "profile"],
      allowAccessOnlyToApisInSelectedScope: true,
    });
    const token = await tokenFor(client, "table profile");
    expect((await callApi(t, token, TABLE)).statusCode).toBe(200);
    for (const url of [ATTACHMENT, STATS]) expectRefused(await callApi(t, token, url), 403, "scope");
    const unlimited = await tokenFor(client, "profile");
    for (const url of [TABLE, ATTACHMENT, STATS])
      expectRefused(await callApi(t, unlimited, url), 403, "scope");
  });

  test("enforceTokenRestriction: no policy → 403 token_restriction; an active policy for the API and integration → 200; inactive → 403", async () => {
    const client = await createIntegration(t, "Restricted", {
      authScopes: ["files"],
      enforceTokenRestriction: true,
    });
    const token = await tokenFor(client, "files");
    expectRefused(await callApi(t, token, ATTACHMENT), 403, "token_restriction");

    const policy = await createPolicy(t, "Attachments for Restricted", {
      restApis: ["Attachment API"],
      integrations: ["Restricted"],
    });
    expect((await callApi(t, token, ATTACHMENT)).statusCode).toBe(200);
    // Only the APIs it lists.
    expectRefused(await callApi(t, token, STATS), 403, "token_restriction");

    await updateRecord(t, "api-access-policies", policy.id, { active: false });
    expectRefused(await callApi(t, token, ATTACHMENT), 403, "token_restriction");
  });

  test("enforceTokenRestriction: a policy for another integration does not apply; one for all integrations does", async () => {
    const client = await createIntegration(t, "Restricted two", {
      authScopes: ["files"],
      enforceTokenRestriction: true,
    });
    const token = await tokenFor(client, "files");
    await createPolicy(t, "Attachments for First app", {
      restApis: ["Attachment API"],
      integrations: ["First app"],
    });
    expectRefused(await callApi(t, token, ATTACHMENT), 403, "token_restriction");
    await createPolicy(t, "Attachments for everyone", {
      restApis: ["Attachment API"],
      applyToAllIntegrations: true,
    });
    expect((await callApi(t, token, ATTACHMENT)).statusCode).toBe(200);
  });

  test("the rules apply in order: scope, then token restriction, then role", async () => {
    const client = await createIntegration(t, "Ordered", {
      authScopes: ["profile"],
      enforceTokenRestriction: true,
    });
    const reader = await createUser(t, "reader", { roles: [] });
    const readerJar = await login(t, reader.name, reader.password, codeRequest(client));
    const token = (await grantTokens(t, client, readerJar, { scope: "profile" })).access_token;
    // Table API: protected by the scope "table" and in no policy → the scope rule answers.
    expectRefused(await callApi(t, token, TABLE), 403, "scope");
    // Aggregate API: open to every scope, in no policy, and the user has no role → token restriction.
    expectRefused(await callApi(t, token, STATS), 403, "token_restriction");
    await createPolicy(t, "Ordered policy", {
      restApis: ["Table API", "Aggregate API"],
      integrations: ["Ordered"],
    });
    expectRefused(await callApi(t, token, TABLE), 403, "scope");
    expectRefused(await callApi(t, token, STATS), 403, "role");
  });
});
