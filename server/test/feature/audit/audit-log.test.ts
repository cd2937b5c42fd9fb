import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("audit log on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  test("every write is audited with who, what, which record, which fields, when — never a secret", async () => {
    const before = Date.now();
    const created = (
      await t.call({
        method: "POST",
        url: "/api/v1/integrations",
        payload: integrationBody({ name: "audited" }),
        as: "oauth_admin",
      })
    ).json();
    const url = `/api/v1/integrations/${created.id}`;
    const updated = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({
        name: "audited",
        accessTokenLifespan: 900,
        redirectUrls: ["https://b.example/cb"],
      }),
      as: "mi_admin",
    });
    expect(updated.statusCode).toBe(200);
    const rotated = (await t.call({ method: "POST", url: `${url}/rotate-secret` })).json();
    const suppliedSecret = "q".repeat(48);
    await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"3"' },
      payload: integrationBody({
        name: "audited",
        accessTokenLifespan: 900,
        redirectUrls: ["https://b.example/cb"],
        clientSecret: suppliedSecret,
      }),
    });
    await t.call({ method: "DELETE", url });

    const events = (
      await t.call({ method: "GET", url: `/api/v1/audit?recordId=${created.id}`, as: "viewer" })
    ).json().items;
    expect(events.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ["create", "test-oauth_admin"],
      ["update", "test-mi_admin"],
      ["rotateSecret", "test-admin"],
      ["update", "test-admin"],
      ["delete", "test-admin"],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ recordKind: "integration", recordId: created.id, recordName: "audited" });
      expect(event.reason).toBeNull(); // no command here gave one
      expect(Date.parse(event.at)).toBeGreaterThanOrEqual(before - 1000);
    }
    const update = events[1];
    expect(update.changes).toEqual(
      expect.arrayContaining([
        { field: "accessTokenLifespan", before: 1800, after: 900 },
        {
          field: "redirectUrls",
          before: ["https://app.example.com/callback"],
          after: ["https://b.example/cb"],
        },
      ]),
    );
    expect(update.changes.map((c: { field: string }) => c.field).sort()).toEqual([
      "accessTokenLifespan",
      "redirectUrls",
    ]);
    expect(events[2].changes).toEqual(
      expect.arrayContaining([
        { field: "clientSecret", secret: true },
        expect.objectContaining({ field: "clientSecretFingerprint" }),
      ]),
    );
    expect(events[3].changes).toEqual(expect.arrayContaining([{ field: "clientSecret", secret: true }]));

    const everything = JSON.stringify(await t.store.db.query("SELECT * FROM audit_events"));
    for (const secret of [created.clientSecret, rotated.clientSecret, suppliedSecret])
      expect(everything).not.toContain(secret);
  });

  test("refused and read-only requests write no audit event", async () => {
    const count = async () =>
      (await t.call({ method: "GET", url: "/api/v1/audit?limit=200" })).json().items.length;
    const before = await count();
    await t.call({ method: "GET", url: "/api/v1/integrations" });
    await t.call({ method: "POST", url: "/api/v1/integrations", payload: { name: "bad" } });
    await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      payload: integrationBody({ name: "v" }),
      as: "viewer",
    });
    expect(await count()).toBe(before);
  });

  test("the audit log filters by record kind and actor and pages", async () => {
    for (let i = 0; i < 5; i++)
      await t.call({
        method: "POST",
        url: "/api/v1/auth-scopes",
        payload: { name: `paged-${i}` },
        as: "mi_admin",
      });
    const scopes = (
      await t.call({ method: "GET", url: "/api/v1/audit?recordKind=authScope&actor=test-mi_admin&limit=2" })
    ).json();
    expect(scopes.items).toHaveLength(2);
    expect(scopes.nextCursor).toEqual(expect.any(String));
    const next = (
      await t.call({
        method: "GET",
        url: `/api/v1/audit?recordKind=authScope&actor=test-mi_admin&limit=2&cursor=${scopes.nextCursor}`,
      })
    ).json();
    expect(next.items[0].id > scopes.items[1].id).toBe(true);
  });
});
