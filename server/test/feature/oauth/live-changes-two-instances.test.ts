// Issue: "changes made through the management API take effect at once", across server instances: two
// apps, each with its own connection pool, over one PostgreSQL database (as behind a load balancer),
// sharing one injected clock. A change made through instance A is enforced by instance B at once.
import type { InjectOptions } from "fastify";
import { buildApp } from "../../../src/app";
import type { Role } from "../../../src/contract";
import { PostgresDatabase } from "../../../src/storage/postgres";
import {
  authOf,
  type CookieJar,
  callApi,
  codeRequest,
  createIntegration,
  createPolicy,
  createScope,
  createUser,
  deleteRecord,
  exchange,
  grantTokens,
  login,
  obtainCode,
  redeem,
  revoke,
  type TestClient,
  testClock,
  updateRecord,
} from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";

const ATTACHMENT = "/api/now/attachment";
// No scope in these tests limits the Aggregate API, so it shows the other rules alone.
const STATS = "/api/now/stats/incident";

/** Another server instance: its own app and connection pool over the same PostgreSQL database. */
async function secondInstance(t: TestApp, clock: ReturnType<typeof testClock>): Promise<TestApp> {
  const db = new PostgresDatabase(t.store.location, { maxConnections: 20 });
  const app = buildApp({ db, clock, logLevel: "silent" });
  await app.ready();
  return {
    app,
    store: { db, location: t.store.location, dispose: () => db.close() },
    tokens: t.tokens,
    call({ as = "admin", headers, ...rest }: InjectOptions & { as?: Role | null }) {
      const auth: Record<string, string> = as === null ? {} : { authorization: `Bearer ${t.tokens[as]}` };
      return app.inject({ ...rest, headers: { ...auth, ...headers } });
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

describe("two server instances over one PostgreSQL database", () => {
  const clock = testClock();
  let a: TestApp;
  let b: TestApp;
  let jar: CookieJar;
  let web: TestClient;
  let jwt: TestClient;

  beforeAll(async () => {
    a = await startTestApp("postgres", { clock });
    b = await secondInstance(a, clock);
    web = await createIntegration(a, "Web app");
    jwt = await createIntegration(a, "JWT app", { tokenFormat: "JWT" });
    const alice = await createUser(a, "alice", { roles: ["itil"] });
    jar = await login(a, alice.name, alice.password, codeRequest(web));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  test("a session started on A is valid on B; a code issued by B is redeemed on A exactly once", async () => {
    const { code } = await obtainCode(b, codeRequest(web), jar);
    const tokens = await redeem(a, web, code);
    const again = await exchange(b, { grant_type: "authorization_code", code }, authOf(web));
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe("invalid_grant");
    expect((await callApi(a, tokens.access_token, STATS)).statusCode).toBe(401);
  });

  test("tokens issued by A (Opaque and JWT) are accepted by B", async () => {
    for (const client of [web, jwt]) {
      const { access_token } = await grantTokens(a, client, jar);
      expect((await callApi(b, access_token, STATS)).statusCode).toBe(200);
    }
  });

  test("deactivating the integration through A → B refuses its tokens at once", async () => {
    const client = await createIntegration(a, "Shared inactive");
    const { access_token } = await grantTokens(a, client, jar);
    expect((await callApi(b, access_token, STATS)).statusCode).toBe(200);
    await updateRecord(a, "integrations", client.id, { active: false });
    expect((await callApi(b, access_token, STATS)).statusCode).toBe(401);
  });

  test("narrowing a scope through A → B answers 403 on the next call", async () => {
    const scope = await createScope(a, "shared.records", {
      limitAuthorizationToApis: ["Attachment API", "Table API"],
    });
    const client = await createIntegration(a, "Shared selected", {
      authScopes: ["shared.records"],
      allowAccessOnlyToApisInSelectedScope: true,
    });
    const { access_token } = await grantTokens(a, client, jar);
    expect((await callApi(b, access_token, ATTACHMENT)).statusCode).toBe(200);
    await updateRecord(a, "auth-scopes", scope.id, { limitAuthorizationToApis: ["Table API"] });
    const res = await callApi(b, access_token, ATTACHMENT);
    expect(res.statusCode).toBe(403);
    expect(res.json().rule).toBe("scope");
  });

  test("deleting a policy through A → B answers 403 on the next call", async () => {
    const client = await createIntegration(a, "Shared restricted", { enforceTokenRestriction: true });
    const policy = await createPolicy(a, "Shared policy", {
      restApis: ["Aggregate API"],
      integrations: ["Shared restricted"],
    });
    const { access_token } = await grantTokens(a, client, jar);
    expect((await callApi(b, access_token, STATS)).statusCode).toBe(200);
    await deleteRecord(a, "api-access-policies", policy.id);
    expect((await callApi(b, access_token, STATS)).json().rule).toBe("token_restriction");
  });

  test("revoking through A, or deactivating the user through A → B answers 401 at once", async () => {
    const { access_token } = await grantTokens(a, web, jar);
    expect((await revoke(a, access_token, authOf(web))).statusCode).toBe(200);
    expect((await callApi(b, access_token, STATS)).statusCode).toBe(401);

    const dave = await createUser(a, "dave");
    const daveJar = await login(a, dave.name, dave.password, codeRequest(web));
    const tokens = await grantTokens(b, web, daveJar);
    expect((await callApi(b, tokens.access_token, STATS)).statusCode).toBe(200);
    await updateRecord(a, "users", dave.id, { active: false });
    expect((await callApi(b, tokens.access_token, STATS)).statusCode).toBe(401);
  });

  test("after a key rotation through A, A's new JWTs are accepted by B once B's clock moved 1 s", async () => {
    expect((await callApi(b, (await grantTokens(a, jwt, jar)).access_token, STATS)).statusCode).toBe(200);
    expect((await a.call({ method: "POST", url: "/api/v1/keys/rotate" })).statusCode).toBe(201);
    const { access_token } = await grantTokens(a, jwt, jar);
    clock.advance(1);
    expect((await callApi(b, access_token, STATS)).statusCode).toBe(200);
  });

  test("after a key rotation through A, A's new JWTs are accepted by B at once", async () => {
    expect((await callApi(b, (await grantTokens(a, jwt, jar)).access_token, STATS)).statusCode).toBe(200);
    expect((await a.call({ method: "POST", url: "/api/v1/keys/rotate" })).statusCode).toBe(201);
    const { access_token } = await grantTokens(a, jwt, jar);
    const res = await callApi(b, access_token, STATS);
    expect(res.json()).toEqual({ result: { stats: { count: "2" } } });
  });
});
