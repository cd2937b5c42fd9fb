import { randomUUID } from "node:crypto";
import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("Idempotency-Key on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const post = (payload: Record<string, unknown>, key: string, as: "admin" | "oauth_admin" = "admin") =>
    t.call({ method: "POST", url: "/api/v1/integrations", payload, headers: { "idempotency-key": key }, as });
  const countNamed = async (name: string) =>
    (await t.call({ method: "GET", url: `/api/v1/integrations?name=${encodeURIComponent(name)}` })).json()
      .items.length;

  test("a replay returns the first response, secret included, and creates nothing new", async () => {
    const key = randomUUID();
    const first = await post(integrationBody({ name: "idem" }), key);
    expect(first.statusCode).toBe(201);
    const again = await post(integrationBody({ name: "idem" }), key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await countNamed("idem")).toBe(1);
  });

  test("the stored response is sealed: the secret is not in the database in plain text", async () => {
    const key = randomUUID();
    const first = (await post(integrationBody({ name: "idem-sealed" }), key)).json();
    const rows = await t.store.db.query("SELECT * FROM idempotency_keys");
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(first.clientSecret);
    expect(dump).not.toContain(key);
  });

  test("the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED, nothing created", async () => {
    const key = randomUUID();
    expect((await post(integrationBody({ name: "idem-a" }), key)).statusCode).toBe(201);
    const res = await post(integrationBody({ name: "idem-b" }), key);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await countNamed("idem-b")).toBe(0);
  });

  test("keys belong to one token: another token's identical key is a new request", async () => {
    const key = randomUUID();
    expect((await post(integrationBody({ name: "idem-token-1" }), key)).statusCode).toBe(201);
    const other = await post(integrationBody({ name: "idem-token-2" }), key, "oauth_admin");
    expect(other.statusCode).toBe(201);
    expect(other.headers["idempotent-replayed"]).toBeUndefined();
  });

  test("a refused request is not stored: fixing the body and retrying with the key works", async () => {
    const key = randomUUID();
    const bad = await post({ name: "idem-fix" }, key);
    expect(bad.statusCode).toBe(400);
    const good = await post(integrationBody({ name: "idem-fix" }), key);
    expect(good.statusCode).toBe(201);
  });

  test("a malformed key → 400 IDEMPOTENCY_KEY_INVALID and nothing created", async () => {
    const res = await post(integrationBody({ name: "idem-short" }), "too-short");
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("IDEMPOTENCY_KEY_INVALID");
    expect(await countNamed("idem-short")).toBe(0);
  });

  test("concurrent requests with one key: one create, every answer the same record", async () => {
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post(integrationBody({ name: "idem-race" }), key)),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await countNamed("idem-race")).toBe(1);
  });

  test("rotate-secret honours the key: a retry returns the same new secret without rotating twice", async () => {
    const created = (await post(integrationBody({ name: "idem-rotate" }), randomUUID())).json();
    const key = randomUUID();
    const url = `/api/v1/integrations/${created.id}/rotate-secret`;
    const first = await t.call({ method: "POST", url, headers: { "idempotency-key": key } });
    const again = await t.call({ method: "POST", url, headers: { "idempotency-key": key } });
    expect(first.statusCode).toBe(200);
    expect(again.json().clientSecret).toBe(first.json().clientSecret);
    const read = (await t.call({ method: "GET", url: `/api/v1/integrations/${created.id}` })).json();
    expect(read.version).toBe(2);
  });
});
