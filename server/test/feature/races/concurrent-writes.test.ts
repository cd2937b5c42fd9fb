import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("concurrent writes on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const create = (name: string) =>
    t.call({ method: "POST", url: "/api/v1/integrations", payload: integrationBody({ name }) });

  test("50 parallel creates with distinct names all succeed", async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => create(`distinct-${i}`)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(50);
    expect(new Set(responses.map((r) => r.json().clientId)).size).toBe(50);
    const listed = (await t.call({ method: "GET", url: "/api/v1/integrations?limit=200" })).json().items;
    expect(listed.filter((i: { name: string }) => i.name.startsWith("distinct-"))).toHaveLength(50);
  });

  test("50 parallel creates of one name: exactly one 201 and 49 × 409 naming the winner", async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => create("contended")));
    const created = responses.filter((r) => r.statusCode === 201);
    const conflicts = responses.filter((r) => r.statusCode === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const winner = created[0]!.json().id;
    for (const conflict of conflicts)
      expect(conflict.json()).toMatchObject({ code: "NAME_TAKEN", existingId: winner });
    const listed = (await t.call({ method: "GET", url: "/api/v1/integrations?name=contended" })).json().items;
    expect(listed).toHaveLength(1);
    const audit = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${winner}` })).json().items;
    expect(audit).toHaveLength(1);
  });

  test("20 parallel PUTs carrying the same ETag: exactly one 200 and 19 × 412", async () => {
    const record = (await create("put-race")).json();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.call({
          method: "PUT",
          url: `/api/v1/integrations/${record.id}`,
          headers: { "if-match": '"1"' },
          payload: integrationBody({ name: "put-race", accessTokenLifespan: 100 + i }),
        }),
      ),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    const stale = responses.filter((r) => r.statusCode === 412);
    expect(ok).toHaveLength(1);
    expect(stale).toHaveLength(19);
    for (const r of stale) expect(r.json()).toMatchObject({ code: "PRECONDITION_FAILED", currentVersion: 2 });
    const read = (await t.call({ method: "GET", url: `/api/v1/integrations/${record.id}` })).json();
    expect(read.version).toBe(2);
    expect(read.accessTokenLifespan).toBe(ok[0]!.json().accessTokenLifespan);
    const updates = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${record.id}` })).json()
      .items;
    expect(updates.map((e: { action: string }) => e.action)).toEqual(["create", "update"]);
  });

  test("a scope deleted while integrations are created with it: never a dangling reference", async () => {
    const scope = (
      await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name: "racy-scope" } })
    ).json();
    const work = [
      ...Array.from({ length: 10 }, (_, i) =>
        t.call({
          method: "POST",
          url: "/api/v1/integrations",
          payload: integrationBody({ name: `racy-${i}`, authScopes: ["racy-scope"] }),
        }),
      ),
      t.call({ method: "DELETE", url: `/api/v1/auth-scopes/${scope.id}` }),
    ];
    const responses = await Promise.all(work);
    for (const r of responses) expect([201, 204, 409, 422]).toContain(r.statusCode);
    const scopeGone =
      (await t.call({ method: "GET", url: `/api/v1/auth-scopes/${scope.id}` })).statusCode === 404;
    const racy = (await t.call({ method: "GET", url: "/api/v1/integrations?limit=200" }))
      .json()
      .items.filter((i: { name: string }) => i.name.startsWith("racy-"));
    if (scopeGone) for (const i of racy) expect(i.authScopes).toEqual([]);
    else for (const i of racy) expect(i.authScopes).toEqual(["racy-scope"]);
    const dangling = await t.store.db.query(
      "SELECT j.owner_id FROM integration_auth_scopes j LEFT JOIN auth_scopes s ON s.id = j.target_id WHERE s.id IS NULL",
    );
    expect(dangling).toEqual([]);
  });
});

describe.each(DATABASES)("If-Match: * on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  test("10 parallel PUTs with If-Match: * all succeed, each on the version it found", async () => {
    const record = (
      await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name: "star" } })
    ).json();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.call({
          method: "PUT",
          url: `/api/v1/auth-scopes/${record.id}`,
          headers: { "if-match": "*" },
          payload: { name: "star", description: `writer ${i}` },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => r.json().version))).toEqual(
      new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    );
  });
});
