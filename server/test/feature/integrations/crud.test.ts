import { fingerprint } from "../../../src/domain/secrets";
import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("integrations on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>) =>
    t.call({ method: "POST", url: "/api/v1/integrations", payload: body });

  test("POST returns 201 with Location, ETag, the documented defaults and a generated 256-bit secret", async () => {
    const res = await create(integrationBody({ name: "defaults" }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v1/integrations/${body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(body).toMatchObject({
      name: "defaults",
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/callback"],
      publicClient: false,
      authScopes: [],
      allowAccessOnlyToApisInSelectedScope: false,
      enforceTokenRestriction: false,
      tokenFormat: "Opaque",
      accessTokenLifespan: 1800,
      refreshTokenLifespan: 8640000,
      active: true,
      deletionProtection: false,
      version: 1,
    });
    expect(body.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.clientSecretFingerprint).toBe(fingerprint(body.clientSecret));
  });

  test("GET one returns the record with its ETag and never the secret", async () => {
    const created = (await create(integrationBody({ name: "readable" }))).json();
    const res = await t.call({ method: "GET", url: `/api/v1/integrations/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    const body = res.json();
    expect(body).not.toHaveProperty("clientSecret");
    expect(JSON.stringify(body)).not.toContain(created.clientSecret);
    expect(body.clientSecretFingerprint).toBe(created.clientSecretFingerprint);
    const { clientSecret: _secret, ...withoutSecret } = created;
    expect(body).toEqual(withoutSecret);
  });

  test("the stored secret is a salted hash, not the secret", async () => {
    const created = (await create(integrationBody({ name: "hashed" }))).json();
    const rows = await t.store.db.query<{ hash: string }>(
      "SELECT hash FROM client_secrets WHERE integration_id = ?",
      [created.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toMatch(/^sha256\$/);
    expect(rows[0]!.hash).not.toContain(created.clientSecret);
    const dump = JSON.stringify(
      await t.store.db.query("SELECT * FROM integrations WHERE id = ?", [created.id]),
    );
    expect(dump).not.toContain(created.clientSecret);
  });

  test("GET unknown id → 404 NOT_FOUND", async () => {
    const res = await t.call({
      method: "GET",
      url: "/api/v1/integrations/01a20000-0000-7000-8000-000000000000",
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("NOT_FOUND");
  });

  test("a caller-supplied client ID and secret are kept; the secret is echoed only on create", async () => {
    const secret = `${"s".repeat(20)}-supplied-secret-value`;
    const res = await create(
      integrationBody({ name: "supplied", clientId: "my-client-0001", clientSecret: secret }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ clientId: "my-client-0001", clientSecret: secret });
    expect(res.json().clientSecretFingerprint).toBe(fingerprint(secret));
  });

  test("a public client has no secret; supplying one is refused and creates nothing", async () => {
    const res = await create(integrationBody({ name: "spa", publicClient: true }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      publicClient: true,
      clientSecret: null,
      clientSecretFingerprint: null,
    });

    const refused = await create(
      integrationBody({ name: "spa-with-secret", publicClient: true, clientSecret: "x".repeat(40) }),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ path: "clientSecret" })]);
    const list = await t.call({ method: "GET", url: "/api/v1/integrations?name=spa-with-secret" });
    expect(list.json().items).toEqual([]);
  });

  test("a duplicate name or clientId → 409 naming the existing record's id", async () => {
    const first = (await create(integrationBody({ name: "unique-one", clientId: "unique-client-1" }))).json();
    const sameName = await create(integrationBody({ name: "unique-one" }));
    expect(sameName.statusCode).toBe(409);
    expect(sameName.json()).toMatchObject({ code: "NAME_TAKEN", existingId: first.id });
    expect(sameName.json().detail).toContain(first.id);
    const sameClient = await create(integrationBody({ name: "unique-two", clientId: "unique-client-1" }));
    expect(sameClient.statusCode).toBe(409);
    expect(sameClient.json()).toMatchObject({ code: "CLIENT_ID_TAKEN", existingId: first.id });
  });

  test("list filters by name and clientId and pages with a cursor", async () => {
    const names = ["page-a", "page-b", "page-c", "page-d", "page-e"];
    const ids: string[] = [];
    for (const name of names) ids.push((await create(integrationBody({ name }))).json().id);
    const byName = await t.call({ method: "GET", url: "/api/v1/integrations?name=page-c" });
    expect(byName.json().items.map((i: { id: string }) => i.id)).toEqual([ids[2]]);
    const clientId = (await t.call({ method: "GET", url: `/api/v1/integrations/${ids[3]}` })).json().clientId;
    const byClient = await t.call({ method: "GET", url: `/api/v1/integrations?clientId=${clientId}` });
    expect(byClient.json().items.map((i: { id: string }) => i.id)).toEqual([ids[3]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/integrations?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await t.call({ method: "GET", url })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    for (const id of ids) expect(seen).toContain(id);
  });

  test("PUT replaces the record with If-Match: 200, new ETag, omitted fields back to defaults, secret kept", async () => {
    const created = (
      await create(integrationBody({ name: "replace-me", accessTokenLifespan: 600, tokenFormat: "JWT" }))
    ).json();
    const res = await t.call({
      method: "PUT",
      url: `/api/v1/integrations/${created.id}`,
      headers: { "if-match": '"1"' },
      payload: integrationBody({
        name: "replaced",
        redirectUrls: ["https://a.example.com/cb", "http://localhost:3000/cb"],
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.json()).toMatchObject({
      id: created.id,
      name: "replaced",
      clientId: created.clientId,
      redirectUrls: ["https://a.example.com/cb", "http://localhost:3000/cb"],
      accessTokenLifespan: 1800,
      tokenFormat: "Opaque",
      clientSecretFingerprint: created.clientSecretFingerprint,
      version: 2,
    });
    expect(res.json()).not.toHaveProperty("clientSecret");
  });

  test("PUT with a stale ETag → 412 with the current version, and changes nothing", async () => {
    const created = (await create(integrationBody({ name: "stale" }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "stale", active: false }),
    });
    const res = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "stale-2" }),
    });
    expect(res.statusCode).toBe(412);
    expect(res.json()).toMatchObject({ code: "PRECONDITION_FAILED", currentVersion: 2 });
    expect((await t.call({ method: "GET", url })).json()).toMatchObject({
      name: "stale",
      active: false,
      version: 2,
    });
  });

  test("PUT without If-Match → 428 and changes nothing", async () => {
    const created = (await create(integrationBody({ name: "no-if-match" }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    const res = await t.call({ method: "PUT", url, payload: integrationBody({ name: "changed" }) });
    expect(res.statusCode).toBe(428);
    expect(res.json().code).toBe("PRECONDITION_REQUIRED");
    expect((await t.call({ method: "GET", url })).json()).toMatchObject({ name: "no-if-match", version: 1 });
  });

  test("PUT of an unknown id → 404", async () => {
    const res = await t.call({
      method: "PUT",
      url: "/api/v1/integrations/01a20000-0000-7000-8000-00000000dead",
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "ghost" }),
    });
    expect(res.statusCode).toBe(404);
  });

  test("PUT cannot change clientId (422 IMMUTABLE_FIELD) and a new secret in PUT changes the fingerprint", async () => {
    const created = (await create(integrationBody({ name: "immutable" }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    const refused = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "immutable", clientId: "another-client-id" }),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe("IMMUTABLE_FIELD");
    const secret = "n".repeat(40);
    const res = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "immutable", clientId: created.clientId, clientSecret: secret }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().clientSecretFingerprint).toBe(fingerprint(secret));
    expect(res.json()).not.toHaveProperty("clientSecret");
  });

  test("switching a public client to confidential needs a secret (422), then works with one", async () => {
    const created = (await create(integrationBody({ name: "to-confidential", publicClient: true }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    const refused = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "to-confidential" }),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe("CLIENT_SECRET_REQUIRED");
    const ok = await t.call({
      method: "PUT",
      url,
      headers: { "if-match": '"1"' },
      payload: integrationBody({ name: "to-confidential", clientSecret: "c".repeat(32) }),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      publicClient: false,
      clientSecretFingerprint: fingerprint("c".repeat(32)),
    });
  });

  test("rotate-secret returns a new secret once; reads show only the new fingerprint", async () => {
    const created = (await create(integrationBody({ name: "rotate" }))).json();
    const res = await t.call({ method: "POST", url: `/api/v1/integrations/${created.id}/rotate-secret` });
    expect(res.statusCode).toBe(200);
    const rotated = res.json();
    expect(rotated.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect(rotated.clientSecretFingerprint).toBe(fingerprint(rotated.clientSecret));
    expect(rotated.version).toBe(2);
    expect(res.headers.etag).toBe('"2"');
    const read = (await t.call({ method: "GET", url: `/api/v1/integrations/${created.id}` })).json();
    expect(read.clientSecretFingerprint).toBe(rotated.clientSecretFingerprint);
    expect(read).not.toHaveProperty("clientSecret");
  });

  test("rotate-secret of a public client → 409, of an unknown id → 404", async () => {
    const spa = (await create(integrationBody({ name: "rotate-spa", publicClient: true }))).json();
    const res = await t.call({ method: "POST", url: `/api/v1/integrations/${spa.id}/rotate-secret` });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("PUBLIC_CLIENT_HAS_NO_SECRET");
    const unknown = await t.call({
      method: "POST",
      url: "/api/v1/integrations/01a20000-0000-7000-8000-00000000beef/rotate-secret",
    });
    expect(unknown.statusCode).toBe(404);
  });

  test("DELETE → 204, then 404; unknown id → 404", async () => {
    const created = (await create(integrationBody({ name: "delete-me" }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    expect((await t.call({ method: "DELETE", url })).statusCode).toBe(204);
    expect((await t.call({ method: "GET", url })).statusCode).toBe(404);
    expect((await t.call({ method: "DELETE", url })).statusCode).toBe(404);
    const secrets = await t.store.db.query("SELECT * FROM client_secrets WHERE integration_id = ?", [
      created.id,
    ]);
    expect(secrets).toEqual([]);
  });

  test("DELETE while deletionProtection → 409 saying what to change, and the record stays", async () => {
    const created = (await create(integrationBody({ name: "protected", deletionProtection: true }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    const res = await t.call({ method: "DELETE", url });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("DELETION_PROTECTED");
    expect(res.json().detail).toContain("deletionProtection");
    expect((await t.call({ method: "GET", url })).statusCode).toBe(200);
  });

  test("DELETE with a stale If-Match → 412 and the record stays", async () => {
    const created = (await create(integrationBody({ name: "delete-stale" }))).json();
    const url = `/api/v1/integrations/${created.id}`;
    const res = await t.call({ method: "DELETE", url, headers: { "if-match": '"7"' } });
    expect(res.statusCode).toBe(412);
    expect((await t.call({ method: "GET", url })).statusCode).toBe(200);
  });
});
