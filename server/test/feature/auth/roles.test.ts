import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("authentication and roles on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const names = async () =>
    (await t.call({ method: "GET", url: "/api/v1/integrations?limit=200" }))
      .json()
      .items.map((i: { name: string }) => i.name);

  test("no Authorization → 401 with a Bearer challenge, as problem+json", async () => {
    const res = await t.call({ method: "GET", url: "/api/v1/integrations", as: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="inbound-oauth"');
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
  });

  test.each([
    ["a token that never existed", `Bearer ioa_${"0".repeat(32)}_${"A".repeat(43)}`],
    ["garbage", "Bearer not-a-token"],
    ["a Basic credential", "Basic dXNlcjpwYXNz"],
  ])("%s → 401 invalid_token, and a write with it changes nothing", async (_label, authorization) => {
    const read = await t.call({
      method: "GET",
      url: "/api/v1/integrations",
      as: null,
      headers: { authorization },
    });
    expect(read.statusCode).toBe(401);
    expect(read.headers["www-authenticate"]).toContain("Bearer realm=");
    const write = await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      as: null,
      headers: { authorization },
      payload: integrationBody({ name: "intruder" }),
    });
    expect(write.statusCode).toBe(401);
    expect(await names()).not.toContain("intruder");
  });

  test("a real token with a tampered secret → 401", async () => {
    const good = t.tokens.admin;
    const tampered = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
    const res = await t.call({
      method: "GET",
      url: "/api/v1/integrations",
      as: null,
      headers: { authorization: `Bearer ${tampered}` },
    });
    expect(res.statusCode).toBe(401);
  });

  test("viewer may read every collection", async () => {
    for (const path of ["integrations", "auth-scopes", "api-access-policies", "rest-apis", "audit"]) {
      const res = await t.call({ method: "GET", url: `/api/v1/${path}`, as: "viewer" });
      expect(res.statusCode).toBe(200);
    }
  });

  test("viewer may not write: POST, PUT, DELETE and rotate → 403, and nothing changes", async () => {
    const created = (
      await t.call({
        method: "POST",
        url: "/api/v1/integrations",
        payload: integrationBody({ name: "viewer-target" }),
      })
    ).json();
    const url = `/api/v1/integrations/${created.id}`;
    const attempts = [
      {
        method: "POST" as const,
        url: "/api/v1/integrations",
        payload: integrationBody({ name: "by-viewer" }),
      },
      {
        method: "PUT" as const,
        url,
        headers: { "if-match": '"1"' },
        payload: integrationBody({ name: "renamed-by-viewer" }),
      },
      { method: "DELETE" as const, url },
      { method: "POST" as const, url: `${url}/rotate-secret` },
    ];
    for (const attempt of attempts) {
      const res = await t.call({ ...attempt, as: "viewer" });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("FORBIDDEN");
      expect(res.json().detail).toContain("viewer");
    }
    const after = (await t.call({ method: "GET", url })).json();
    expect(after).toMatchObject({
      name: "viewer-target",
      version: 1,
      clientSecretFingerprint: created.clientSecretFingerprint,
    });
    expect(await names()).not.toContain("by-viewer");
  });

  test.each(["admin", "oauth_admin", "mi_admin"] as const)("%s may write", async (role) => {
    const res = await t.call({
      method: "POST",
      url: "/api/v1/auth-scopes",
      payload: { name: `scope-by-${role}` },
      as: role,
    });
    expect(res.statusCode).toBe(201);
  });

  test("health endpoints need no token; the management API and its OpenAPI document are reachable", async () => {
    expect((await t.call({ method: "GET", url: "/healthz", as: null })).json()).toEqual({ status: "ok" });
    const ready = await t.call({ method: "GET", url: "/readyz", as: null });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", database: kind });
    const doc = await t.call({ method: "GET", url: "/api/v1/openapi.json", as: null });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toBe("3.1.0");
  });

  test("an unknown endpoint → 404 ROUTE_NOT_FOUND as problem+json", async () => {
    const res = await t.call({ method: "GET", url: "/api/v1/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("ROUTE_NOT_FOUND");
  });
});
