import {
  authOf,
  authorizeUrl,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createPolicy,
  createScope,
  createUser,
  deleteRecord,
  exchange,
  getPage,
  grantTokens,
  introspection,
  login,
  obtainCode,
  refresh,
  type TestUser,
  testClock,
  updateRecord,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const TABLE = "/api/now/table/incident";
const ATTACHMENT = "/api/now/attachment";
// No scope in these tests limits the Aggregate API, so it shows the other rules alone.
const STATS = "/api/now/stats/incident";

describe.each(DATABASES)("management changes take effect at once on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let user: TestUser;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    const first = await createIntegration(t, "First app");
    user = await createUser(t, "alice", { roles: ["itil"] });
    jar = await login(t, user.name, user.password, codeRequest(first));
  });
  afterAll(async () => t.close());

  test("deactivating the integration (PUT active:false) → its existing tokens get 401 on the next call; reactivating restores them", async () => {
    for (const tokenFormat of ["Opaque", "JWT"]) {
      const client = await createIntegration(t, `Soon inactive ${tokenFormat}`, { tokenFormat });
      const tokens = await grantTokens(t, client, jar);
      expect((await callApi(t, tokens.access_token, STATS)).statusCode).toBe(200);

      await updateRecord(t, "integrations", client.id, { active: false });
      const res = await callApi(t, tokens.access_token, STATS);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: "invalid_token",
        error_description: "The token's client is inactive or gone.",
        rule: "token",
      });
      expect(await introspection(t, tokens.access_token)).toEqual({ active: false });
      expect((await refresh(t, client, tokens.refresh_token)).json().error).toBe("invalid_client");

      await updateRecord(t, "integrations", client.id, { active: true });
      expect((await callApi(t, tokens.access_token, STATS)).statusCode).toBe(200);
    }
  });

  test("deleting the integration → its tokens get 401", async () => {
    const client = await createIntegration(t, "Soon deleted", { tokenFormat: "JWT" });
    const tokens = await grantTokens(t, client, jar);
    await deleteRecord(t, "integrations", client.id);
    expect((await callApi(t, tokens.access_token, STATS)).statusCode).toBe(401);
  });

  test("narrowing a scope's limitAuthorizationToApis → 403 rule scope on the next call", async () => {
    const scope = await createScope(t, "records", {
      limitAuthorizationToApis: ["Table API", "Attachment API"],
    });
    const client = await createIntegration(t, "Selected only", {
      authScopes: ["records"],
      allowAccessOnlyToApisInSelectedScope: true,
    });
    const { access_token } = await grantTokens(t, client, jar);
    expect((await callApi(t, access_token, TABLE)).statusCode).toBe(200);

    // (Narrowed to the Attachment API, so that the Table API is open again for the other tests.)
    await updateRecord(t, "auth-scopes", scope.id, { limitAuthorizationToApis: ["Attachment API"] });
    const res = await callApi(t, access_token, TABLE);
    expect(res.statusCode).toBe(403);
    expect(res.json().rule).toBe("scope");
    expect((await callApi(t, access_token, ATTACHMENT)).statusCode).toBe(200);
  });

  test("deleting the policy → 403 rule token_restriction on the next call", async () => {
    const client = await createIntegration(t, "Restricted", { enforceTokenRestriction: true });
    const policy = await createPolicy(t, "Stats for Restricted", {
      restApis: ["Aggregate API"],
      integrations: ["Restricted"],
    });
    const { access_token } = await grantTokens(t, client, jar);
    expect((await callApi(t, access_token, STATS)).statusCode).toBe(200);

    await deleteRecord(t, "api-access-policies", policy.id);
    const res = await callApi(t, access_token, STATS);
    expect(res.statusCode).toBe(403);
    expect(res.json().rule).toBe("token_restriction");
  });

  test("changing a user's roles → the next write is judged by the new roles", async () => {
    const client = await createIntegration(t, "Roles app");
    const writer = await createUser(t, "writer", { roles: ["itil"] });
    const writerJar = await login(t, writer.name, writer.password, codeRequest(client));
    const { access_token } = await grantTokens(t, client, writerJar);
    expect((await callApi(t, access_token, TABLE, "POST")).statusCode).toBe(201);
    await updateRecord(t, "users", writer.id, { roles: ["user"] });
    const res = await callApi(t, access_token, TABLE, "POST");
    expect(res.statusCode).toBe(403);
    expect(res.json().rule).toBe("role");
  });

  test("deactivating the user → 401 on the next call, and the login session ends", async () => {
    const client = await createIntegration(t, "User app");
    const bob = await createUser(t, "bob");
    const bobJar = await login(t, bob.name, bob.password, codeRequest(client));
    const { access_token } = await grantTokens(t, client, bobJar);
    expect((await callApi(t, access_token, STATS)).statusCode).toBe(200);

    await updateRecord(t, "users", bob.id, { active: false });
    const res = await callApi(t, access_token, STATS);
    expect(res.statusCode).toBe(401);
    expect(res.json().error_description).toBe("The token's user is inactive.");
    // The authorize endpoint shows the login page again instead of the consent page.
    const page = await getPage(t, authorizeUrl(codeRequest(client)), bobJar);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/oauth/login"');
  });

  test("a deactivated user's code or refresh token gets no new tokens (invalid_grant)", async () => {
    const client = await createIntegration(t, "Deactivation app");
    const carol = await createUser(t, "carol");
    const carolJar = await login(t, carol.name, carol.password, codeRequest(client));
    const tokens = await grantTokens(t, client, carolJar);
    const { code } = await obtainCode(t, codeRequest(client), carolJar);
    await updateRecord(t, "users", carol.id, { active: false });

    const redeemed = await exchange(t, { grant_type: "authorization_code", code }, authOf(client));
    expect(redeemed.statusCode).toBe(400);
    expect(redeemed.json()).toEqual({
      error: "invalid_grant",
      error_description: "The user of this authorization code is inactive or gone.",
    });
    const refreshed = await refresh(t, client, tokens.refresh_token);
    expect(refreshed.statusCode).toBe(400);
    expect(refreshed.json()).toEqual({
      error: "invalid_grant",
      error_description: "The user of this refresh token is inactive or gone.",
    });
  });
});
