// Request parameters under RFC 6749 §3.1 at every OAuth endpoint: a parameter sent without a value
// is treated as omitted; parameters the endpoint does not know are ignored, whatever their name
// (every Object.prototype property name included); a known parameter must not repeat; and the token,
// introspection and revocation endpoints read form bodies only (§4.1.3, RFC 7662 §2.1, RFC 7009 §2.1).
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import {
  authorize,
  authorizeUrl,
  basicHeader,
  type CookieJar,
  codeRequest,
  createIntegration,
  createUser,
  getPage,
  hiddenFields,
  INTROSPECT_PATH,
  introspection,
  login,
  obtainCode,
  REVOKE_PATH,
  redeem,
  type TestClient,
  TOKEN_PATH,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const FORM = "application/x-www-form-urlencoded";

/** Every parameter some OAuth endpoint or page reads. */
const KNOWN = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "grant_type",
  "code",
  "code_verifier",
  "refresh_token",
  "client_secret",
  "token",
  "token_type_hint",
  "csrf_token",
  "decision",
  "username",
  "password",
  "return_to",
];

/** A parameter name no endpoint knows: every Object.prototype property name, __proto__, or any string. */
const unknownName = fc
  .oneof(
    fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), "__proto__", "prototype", "length"),
    fc.string({ minLength: 1, maxLength: 20 }),
  )
  .filter((name) => !KNOWN.includes(name));

/** One or more unknown parameters, each sent once or repeated, with any values (empty ones too). */
const unknownParams = fc.array(
  fc.tuple(unknownName, fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 2 })),
  { minLength: 1, maxLength: 4 },
);

function encode(pairs: [string, string][]): string {
  const body = new URLSearchParams();
  for (const [key, value] of pairs) body.append(key, value);
  return body.toString();
}

const flatten = (extra: [string, string[]][]): [string, string][] =>
  extra.flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));

describe.each(DATABASES)("request parameters at the OAuth endpoints on %s", (kind) => {
  let t: TestApp;
  let web: TestClient;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: testClock() });
    web = await createIntegration(t, "Web app");
    const dana = await createUser(t, "dana");
    jar = await login(t, dana.name, dana.password, codeRequest(web));
  });
  afterAll(async () => t.close());

  const post = (url: string, pairs: [string, string][], headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url,
      headers: {
        "content-type": FORM,
        authorization: basicHeader(web.clientId, web.clientSecret!),
        ...headers,
      },
      payload: encode(pairs),
    });

  const expectInvalidRequest = (res: LightMyRequestResponse) => {
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.json().error).toBe("invalid_request");
    expect(res.headers["cache-control"]).toBe("no-store");
  };

  test("unknown parameters, whatever their name, are ignored by the authorization endpoint", async () => {
    const plain = hiddenFields((await getPage(t, authorizeUrl(codeRequest(web)), jar)).body);
    await fc.assert(
      fc.asyncProperty(unknownParams, async (extra) => {
        const query = encode([
          ...(Object.entries(codeRequest(web)) as [string, string][]),
          ...flatten(extra),
        ]);
        const res = await getPage(t, `/oauth_auth.do?${query}`, jar);
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('action="/oauth/consent"');
        expect(hiddenFields(res.body)).toEqual(plain);
      }),
      { numRuns: 40 },
    );
  });

  test("unknown parameters, whatever their name, are ignored by the token, introspection and revocation endpoints", async () => {
    await fc.assert(
      fc.asyncProperty(unknownParams, async (extra) => {
        const { code } = await obtainCode(t, codeRequest(web), jar);
        const tokens = await post(TOKEN_PATH, [
          ["grant_type", "authorization_code"],
          ["code", code],
          ...flatten(extra),
        ]);
        expect(tokens.statusCode).toBe(200);
        const { access_token: access } = tokens.json();
        const seen = await post(INTROSPECT_PATH, [["token", access], ...flatten(extra)]);
        expect(seen.statusCode).toBe(200);
        expect(seen.json().active).toBe(true);
        expect((await post(REVOKE_PATH, [["token", access], ...flatten(extra)])).statusCode).toBe(200);
        expect((await introspection(t, access)).active).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  test("a parameter sent with an empty value counts as absent in the authorization request", async () => {
    const optional = [
      "redirect_uri",
      "scope",
      "state",
      "code_challenge",
      "code_challenge_method",
      "client_secret",
    ];
    const base = { response_type: "code", client_id: web.clientId };
    const plain = hiddenFields((await getPage(t, authorizeUrl(base), jar)).body);
    await fc.assert(
      fc.asyncProperty(fc.subarray(optional, { minLength: 1 }), async (empty) => {
        const query = encode([...Object.entries(base), ...empty.map((name): [string, string] => [name, ""])]);
        const res = await getPage(t, `/oauth_auth.do?${query}`, jar);
        expect(res.statusCode).toBe(200);
        expect(hiddenFields(res.body)).toEqual(plain);
      }),
      { numRuns: 20 },
    );
  });

  test("a parameter sent with an empty value counts as absent in the token request (code_verifier=, redirect_uri=, client_secret=...)", async () => {
    const optional = [
      "redirect_uri",
      "code_verifier",
      "refresh_token",
      "scope",
      "client_secret",
      "client_id",
      "state",
    ];
    await fc.assert(
      fc.asyncProperty(fc.subarray(optional, { minLength: 1 }), async (empty) => {
        const { code } = await obtainCode(t, codeRequest(web), jar);
        const res = await post(TOKEN_PATH, [
          ["grant_type", "authorization_code"],
          ["code", code],
          ...empty.map((name): [string, string] => [name, ""]),
        ]);
        expect(res.statusCode).toBe(200);
        expect(res.json().scope).toBe("");
      }),
      { numRuns: 20 },
    );
  });

  test("a known parameter sent twice with values stays refused (invalid_request); an empty repeat is an omission", async () => {
    const { code } = await obtainCode(t, codeRequest(web), jar);
    expectInvalidRequest(
      await post(TOKEN_PATH, [
        ["grant_type", "authorization_code"],
        ["code", code],
        ["code", "x"],
      ]),
    );
    expectInvalidRequest(
      await post(INTROSPECT_PATH, [
        ["token", "a"],
        ["token", "b"],
      ]),
    );
    expectInvalidRequest(
      await post(REVOKE_PATH, [
        ["token", "a"],
        ["token", "b"],
      ]),
    );
    const res = await post(TOKEN_PATH, [
      ["grant_type", "authorization_code"],
      ["code", code],
      ["code", ""],
    ]);
    expect(res.statusCode).toBe(200);
  });

  test("the token, introspection and revocation endpoints read form bodies only: any other content type → invalid_request, nothing done", async () => {
    const tokens = await redeem(t, web, (await obtainCode(t, codeRequest(web), jar)).code);
    const contentType = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded-extra",
        "multipart/form-data; boundary=x",
      ),
      fc.stringMatching(/^[a-z]{1,10}\/[a-z.+-]{1,20}$/).filter((type) => type !== FORM),
    );
    await fc.assert(
      fc.asyncProperty(
        contentType,
        fc.constantFrom(TOKEN_PATH, INTROSPECT_PATH, REVOKE_PATH),
        async (type, url) => {
          const json = JSON.stringify({
            token: tokens.access_token,
            grant_type: "refresh_token",
            refresh_token: tokens.refresh_token,
          });
          const res = await t.app.inject({
            method: "POST",
            url,
            headers: { "content-type": type, authorization: basicHeader(web.clientId, web.clientSecret!) },
            payload: type.includes("form-urlencoded") ? encode([["token", tokens.access_token]]) : json,
          });
          expectInvalidRequest(res);
        },
      ),
      { numRuns: 40 },
    );
    expect((await introspection(t, tokens.access_token)).active).toBe(true);
    expect((await introspection(t, tokens.refresh_token)).active).toBe(true);
  });

  test("the consent form ignores unknown fields, whatever their name", async () => {
    await fc.assert(
      fc.asyncProperty(unknownParams, async (extra) => {
        const fields = await authorize(t, codeRequest(web), jar);
        const res = await t.app.inject({
          method: "POST",
          url: "/oauth/consent",
          headers: { "content-type": FORM, cookie: jar.header() },
          payload: encode([...Object.entries(fields), ["decision", "approve"], ...flatten(extra)]),
        });
        expect(res.statusCode).toBe(303);
        expect(new URL(String(res.headers.location)).searchParams.get("code")).toBeTruthy();
      }),
      { numRuns: 20 },
    );
  });
});
