import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("references between records on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const post = (path: string, payload: Record<string, unknown>) =>
    t.call({ method: "POST", url: `/api/v1/${path}`, payload });
  const count = async (path: string) =>
    (await t.call({ method: "GET", url: `/api/v1/${path}?limit=200` })).json().items.length;

  test("the REST API catalog has the built-in Table API, read-only", async () => {
    const list = (await t.call({ method: "GET", url: "/api/v1/rest-apis?name=Table%20API" })).json();
    expect(list.items).toEqual([
      expect.objectContaining({ name: "Table API", basePath: "/api/now/table", builtIn: true }),
    ]);
    const id = list.items[0].id;
    const del = await t.call({ method: "DELETE", url: `/api/v1/rest-apis/${id}` });
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe("BUILT_IN_READ_ONLY");
    const put = await t.call({
      method: "PUT",
      url: `/api/v1/rest-apis/${id}`,
      headers: { "if-match": '"1"' },
      payload: { name: "Table API", basePath: "/api/now/other" },
    });
    expect(put.statusCode).toBe(409);
    expect((await t.call({ method: "GET", url: `/api/v1/rest-apis/${id}` })).json()).toMatchObject({
      basePath: "/api/now/table",
      version: 1,
    });
  });

  test("an integration naming an unknown auth scope → 422 naming it, and nothing is created", async () => {
    expect((await post("auth-scopes", { name: "known" })).statusCode).toBe(201);
    const before = await count("integrations");
    const res = await post(
      "integrations",
      integrationBody({ name: "refs", authScopes: ["known", "missing-scope"] }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "UNKNOWN_REFERENCE",
      errors: [{ path: "authScopes.1", message: 'no auth scope is named "missing-scope"' }],
    });
    expect(res.json().detail).toContain("missing-scope");
    expect(await count("integrations")).toBe(before);
  });

  test("an auth scope naming an unknown REST API → 422 naming it", async () => {
    const res = await post("auth-scopes", {
      name: "limited",
      limitAuthorizationToApis: ["Table API", "Nope API"],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { path: "limitAuthorizationToApis.1", message: 'no REST API is named "Nope API"' },
    ]);
    expect((await t.call({ method: "GET", url: "/api/v1/auth-scopes?name=limited" })).json().items).toEqual(
      [],
    );
  });

  test("a policy naming an unknown integration or REST API → 422 naming each", async () => {
    const res = await post("api-access-policies", {
      name: "policy",
      restApis: ["Ghost API"],
      integrations: ["ghost-integration"],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { path: "restApis.0", message: 'no REST API is named "Ghost API"' },
      { path: "integrations.0", message: 'no integration is named "ghost-integration"' },
    ]);
  });

  test("deleting a scope still used → 409 listing the integrations; after they let go it deletes", async () => {
    const scope = (await post("auth-scopes", { name: "shared-scope" })).json();
    const a = (
      await post("integrations", integrationBody({ name: "uses-a", authScopes: ["shared-scope"] }))
    ).json();
    const b = (
      await post("integrations", integrationBody({ name: "uses-b", authScopes: ["shared-scope"] }))
    ).json();
    const res = await t.call({ method: "DELETE", url: `/api/v1/auth-scopes/${scope.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("STILL_REFERENCED");
    expect(res.json().referencedBy).toEqual([
      { kind: "integration", id: a.id, name: "uses-a" },
      { kind: "integration", id: b.id, name: "uses-b" },
    ]);
    expect((await t.call({ method: "GET", url: `/api/v1/auth-scopes/${scope.id}` })).statusCode).toBe(200);
    for (const id of [a.id, b.id])
      expect((await t.call({ method: "DELETE", url: `/api/v1/integrations/${id}` })).statusCode).toBe(204);
    expect((await t.call({ method: "DELETE", url: `/api/v1/auth-scopes/${scope.id}` })).statusCode).toBe(204);
  });

  test("deleting a custom REST API still used by a scope or policy → 409 listing both", async () => {
    const api = await post("rest-apis", { name: "Orders API", basePath: "/api/x_acme/orders" });
    expect(api.statusCode).toBe(201);
    expect(api.json().builtIn).toBe(false);
    const scope = (
      await post("auth-scopes", { name: "orders", limitAuthorizationToApis: ["Orders API"] })
    ).json();
    const policy = (
      await post("api-access-policies", {
        name: "orders-policy",
        restApis: ["Orders API"],
        applyToAllIntegrations: true,
      })
    ).json();
    const res = await t.call({ method: "DELETE", url: `/api/v1/rest-apis/${api.json().id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().referencedBy).toEqual([
      { kind: "authScope", id: scope.id, name: "orders" },
      { kind: "apiAccessPolicy", id: policy.id, name: "orders-policy" },
    ]);
  });

  test("deleting an integration a policy applies to → 409; renaming it keeps the reference", async () => {
    const integration = (await post("integrations", integrationBody({ name: "covered" }))).json();
    const policy = (
      await post("api-access-policies", {
        name: "covers",
        restApis: ["Table API"],
        integrations: ["covered"],
      })
    ).json();
    const del = await t.call({ method: "DELETE", url: `/api/v1/integrations/${integration.id}` });
    expect(del.statusCode).toBe(409);
    expect(del.json().referencedBy).toEqual([{ kind: "apiAccessPolicy", id: policy.id, name: "covers" }]);
    const renamed = await t.call({
      method: "PUT",
      url: `/api/v1/integrations/${integration.id}`,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "covered-renamed" }),
    });
    expect(renamed.statusCode).toBe(200);
    const readPolicy = (
      await t.call({ method: "GET", url: `/api/v1/api-access-policies/${policy.id}` })
    ).json();
    expect(readPolicy.integrations).toEqual(["covered-renamed"]);
  });

  test("reference lists keep the order they were given in", async () => {
    for (const name of ["z-scope", "a-scope", "m-scope"]) await post("auth-scopes", { name });
    const created = (
      await post(
        "integrations",
        integrationBody({ name: "ordered", authScopes: ["z-scope", "a-scope", "m-scope"] }),
      )
    ).json();
    expect(created.authScopes).toEqual(["z-scope", "a-scope", "m-scope"]);
    const read = (await t.call({ method: "GET", url: `/api/v1/integrations/${created.id}` })).json();
    expect(read.authScopes).toEqual(["z-scope", "a-scope", "m-scope"]);
  });
});
