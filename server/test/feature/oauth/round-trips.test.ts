// Database round trips of the OAuth runtime's hot paths on PostgreSQL, counted where every query
// of the server goes to the wire: pg's Client#query (pooled queries, transactions' BEGIN, COMMIT
// and statements alike). Each count is taken in a steady state, after a request of the same kind
// has filled the registry cache (the client, its secret's hash, the token's owner): what every later
// request of that kind pays until the registry changes.
import pg from "pg";
import {
  approve,
  authOf,
  authorize,
  type CookieJar,
  codeRequest,
  createIntegration,
  createUser,
  exchange,
  grantTokens,
  introspect,
  login,
  obtainCode,
  refresh,
  type TestClient,
} from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";

/** How many queries reach PostgreSQL while `run` runs. */
async function roundTrips<T>(run: () => Promise<T>): Promise<{ value: T; trips: number }> {
  const original = pg.Client.prototype.query;
  let trips = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    trips++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { value: await run(), trips };
  } finally {
    pg.Client.prototype.query = original;
  }
}

describe("round trips per request on PostgreSQL", () => {
  let t: TestApp;
  let web: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp("postgres");
    web = await createIntegration(t, "Web app");
    const alice = await createUser(t, "alice");
    jar = await login(t, alice.name, alice.password, codeRequest(web));
  });
  afterAll(async () => t.close());

  test("the authorization page of a signed-in person: the generation and the session's user in one read", async () => {
    await authorize(t, codeRequest(web), jar);
    const { value: fields, trips } = await roundTrips(() => authorize(t, codeRequest(web), jar));
    expect(fields.client_id).toBe(web.clientId);
    expect(trips).toBe(1);
  });

  test("the consent's approval: the generation and the session's user in one read, the code's insert", async () => {
    await approve(t, await authorize(t, codeRequest(web), jar), jar);
    const fields = await authorize(t, codeRequest(web), jar);
    const { value: result, trips } = await roundTrips(() => approve(t, fields, jar));
    expect(result.code).toEqual(expect.any(String));
    expect(trips).toBe(2);
  });

  test("a refresh grant: generation and client limits in one read, the token's read, its spend with the new tokens in one statement", async () => {
    const warm = await grantTokens(t, web, jar);
    expect((await refresh(t, web, warm.refresh_token)).statusCode).toBe(200);
    const { refresh_token } = await grantTokens(t, web, jar);
    const { value: res, trips } = await roundTrips(() => refresh(t, web, refresh_token));
    expect(res.statusCode).toBe(200);
    expect(trips).toBe(3);
  });

  test("a code exchange: generation and client limits in one read, the code's read, its spend with the tokens in one statement", async () => {
    await grantTokens(t, web, jar);
    const { code } = await obtainCode(t, codeRequest(web), jar);
    const { value: res, trips } = await roundTrips(() =>
      exchange(t, { grant_type: "authorization_code", code }, authOf(web)),
    );
    expect(res.statusCode).toBe(200);
    expect(trips).toBe(3);
  });

  test("an introspection by the client: generation and client limits in one read, the token's read", async () => {
    const { refresh_token } = await grantTokens(t, web, jar);
    expect((await introspect(t, refresh_token, authOf(web))).statusCode).toBe(200);
    const { value: res, trips } = await roundTrips(() => introspect(t, refresh_token, authOf(web)));
    expect(res.statusCode).toBe(200);
    expect(res.json().active).toBe(true);
    expect(trips).toBe(2);
  });
});
