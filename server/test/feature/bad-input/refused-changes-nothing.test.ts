import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

/**
 * Every refused request leaves the registry exactly as it was: the same records, the same
 * versions and the same audit log, read back after the refusal.
 */
describe.each(DATABASES)("bad input on %s", (kind) => {
  let t: TestApp;
  let existingId: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name: "scope" } });
    existingId = (
      await t.call({
        method: "POST",
        url: "/api/v1/integrations",
        payload: integrationBody({ name: "existing" }),
      })
    ).json().id;
  });
  afterAll(async () => t.close());

  async function snapshot() {
    const integrations = (await t.call({ method: "GET", url: "/api/v1/integrations?limit=200" })).json();
    const scopes = (await t.call({ method: "GET", url: "/api/v1/auth-scopes?limit=200" })).json();
    const audit = (await t.call({ method: "GET", url: "/api/v1/audit?limit=200" })).json();
    return { integrations, scopes, audit };
  }

  const long = (n: number) => "x".repeat(n);
  type Case = [string, { method?: "POST" | "PUT"; payload: string; contentType?: string }, number, string];
  const cases: Case[] = [
    ["malformed JSON", { payload: '{"name": "broken",' }, 400, "MALFORMED_JSON"],
    ["an empty body", { payload: "" }, 400, "MALFORMED_JSON"],
    ["a JSON array instead of an object", { payload: "[]" }, 400, "VALIDATION_FAILED"],
    ["a JSON string instead of an object", { payload: '"hello"' }, 400, "VALIDATION_FAILED"],
    [
      "an unknown field",
      { payload: JSON.stringify(integrationBody({ name: "unknown-field", colour: "blue" })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a wrong type",
      { payload: JSON.stringify(integrationBody({ name: "wrong-type", active: "yes" })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a number where a list goes",
      { payload: JSON.stringify(integrationBody({ name: "wrong-list", redirectUrls: 5 })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a missing required field",
      { payload: JSON.stringify({ name: "no-provider", redirectUrls: ["https://a.example/cb"] }) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an invalid URL",
      { payload: JSON.stringify(integrationBody({ name: "bad-url", redirectUrls: ["not a url"] })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an http redirect to a public host",
      { payload: JSON.stringify(integrationBody({ name: "http", redirectUrls: ["http://example.com/cb"] })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a redirect with a fragment",
      {
        payload: JSON.stringify(integrationBody({ name: "frag", redirectUrls: ["https://a.example/cb#x"] })),
      },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a loopback redirect with userinfo",
      {
        payload: JSON.stringify(
          integrationBody({ name: "userinfo", redirectUrls: ["http://evil@127.0.0.1:9999/cb"] }),
        ),
      },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a loopback redirect with 127.0.0.1 spelled 0x7f.0.0.1",
      {
        payload: JSON.stringify(
          integrationBody({ name: "hex-ip", redirectUrls: ["http://0x7f.0.0.1:9999/cb"] }),
        ),
      },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an absurdly long name",
      { payload: JSON.stringify(integrationBody({ name: long(10_000) })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an absurdly long URL",
      {
        payload: JSON.stringify(
          integrationBody({ name: "long-url", redirectUrls: [`https://a.example/${long(5000)}`] }),
        ),
      },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a negative lifespan",
      { payload: JSON.stringify(integrationBody({ name: "neg", accessTokenLifespan: -5 })) },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a fractional lifespan",
      { payload: JSON.stringify(integrationBody({ name: "frac", accessTokenLifespan: 1.5 })) },
      400,
      "VALIDATION_FAILED",
    ],
    ["a __proto__ key", { payload: '{"name":"proto","__proto__":{"admin":true}}' }, 400, "MALFORMED_JSON"],
    [
      "a body over 64 KiB",
      { payload: JSON.stringify(integrationBody({ name: "big", providerName: long(70_000) })) },
      413,
      "BODY_TOO_LARGE",
    ],
    [
      "a form-encoded body",
      { payload: "name=form", contentType: "application/x-www-form-urlencoded" },
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["a text/plain body", { payload: "hello", contentType: "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
  ];

  test.each(cases)(
    "POST with %s is refused with its code and changes nothing",
    async (_label, request, status, code) => {
      const before = await snapshot();
      const res = await t.call({
        method: "POST",
        url: "/api/v1/integrations",
        payload: request.payload,
        headers: { "content-type": request.contentType ?? "application/json" },
      });
      expect(res.statusCode).toBe(status);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      const body = res.json();
      expect(body.code).toBe(code);
      expect(body.detail.length).toBeGreaterThan(10);
      expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+|node_modules|stack/i);
      expect(await snapshot()).toEqual(before);
    },
  );

  test.each(cases.filter(([, , status]) => status === 400))(
    "PUT with %s → 400 and the record is unchanged",
    async (_label, request) => {
      const before = await snapshot();
      const res = await t.call({
        method: "PUT",
        url: `/api/v1/integrations/${existingId}`,
        payload: request.payload,
        headers: { "content-type": "application/json", "if-match": '"1"' },
      });
      expect(res.statusCode).toBe(400);
      expect(await snapshot()).toEqual(before);
    },
  );

  test("validation errors list every field at fault with its path", async () => {
    const res = await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      payload: {
        name: " padded",
        providerName: "",
        redirectUrls: ["https://ok.example/cb", "http://evil.example/cb"],
        tokenFormat: "SAML",
        extra: 1,
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["name", "providerName", "redirectUrls.1", "tokenFormat", "(body)"]),
    );
  });

  test("bad query parameters → 400 naming them; an unknown one is refused", async () => {
    for (const query of [
      "limit=0",
      "limit=100000",
      "limit=abc",
      "cursor=!!",
      "colour=blue",
      `cursor=${Buffer.from("nope").toString("base64url")}`,
    ]) {
      const res = await t.call({ method: "GET", url: `/api/v1/integrations?${query}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
  });

  test("an id that is not a UUID → 404, not a server error", async () => {
    const res = await t.call({ method: "GET", url: "/api/v1/integrations/'; DROP TABLE integrations; --" });
    expect(res.statusCode).toBe(404);
    expect((await t.call({ method: "GET", url: `/api/v1/integrations/${existingId}` })).statusCode).toBe(200);
  });
});
