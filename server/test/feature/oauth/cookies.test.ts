// Cookies are input like any other: a browser, an extension or another site on a shared parent
// domain may have set anything. A Cookie header never makes the authorize, login or consent steps
// fail with a 5xx, and a cookie of this server whose value does not parse (bad percent-encoding)
// counts as absent: no session, no CSRF token.
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import {
  authorize,
  authorizeUrl,
  type CookieJar,
  CSRF_COOKIE,
  codeRequest,
  cookiesSet,
  createIntegration,
  createUser,
  formBody,
  hiddenFields,
  login,
  SESSION_COOKIE,
  type TestClient,
  type TestUser,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const FORM = "application/x-www-form-urlencoded";

/** A percent-encoded value that decodeURIComponent refuses: a lone %, a bad hex pair, a cut UTF-8 sequence. */
const malformedValue = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{0,20}$/),
    fc.constantFrom("%", "%z", "%zz", "%E0%A4%A", "%C3", "%ff", "%%", "%D8%00"),
    fc.stringMatching(/^[A-Za-z0-9_-]{0,20}$/),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** Any Cookie header a client could send: printable ASCII, this server's cookie names mixed in. */
const cookieHeader = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(..." !\"#$%&'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~") }),
      fc
        .tuple(fc.constantFrom(SESSION_COOKIE, CSRF_COOKIE, "other"), fc.oneof(malformedValue, fc.string()))
        .map(([name, value]) => `${name}=${value}`),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join("; ").replace(/[^\x20-\x7e]/g, ""));

describe.each(DATABASES)("cookies on the authorize, login and consent steps on %s", (kind) => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: testClock() });
    client = await createIntegration(t, "Web app");
    user = await createUser(t, "carol");
    jar = await login(t, user.name, user.password, codeRequest(client));
  });
  afterAll(async () => t.close());

  const withCookie = (cookie: string) => ({ cookie });

  /** The three steps with this Cookie header; the forms carry a well-formed CSRF field. */
  const steps = (cookie: string): Promise<LightMyRequestResponse>[] => [
    t.app.inject({ method: "GET", url: authorizeUrl(codeRequest(client)), headers: withCookie(cookie) }),
    t.app.inject({
      method: "GET",
      url: `/oauth/login?return_to=${encodeURIComponent(authorizeUrl(codeRequest(client)))}`,
      headers: withCookie(cookie),
    }),
    t.app.inject({
      method: "POST",
      url: "/oauth/login",
      headers: { ...withCookie(cookie), "content-type": FORM },
      payload: formBody({
        return_to: authorizeUrl(codeRequest(client)),
        csrf_token: "A".repeat(43),
        username: "nobody",
        password: "x",
      }),
    }),
    t.app.inject({
      method: "POST",
      url: "/oauth/consent",
      headers: { ...withCookie(cookie), "content-type": FORM },
      payload: formBody({ ...codeRequest(client), csrf_token: "A".repeat(43), decision: "approve" }),
    }),
  ];

  test("any Cookie header never yields a 5xx on authorize, login or consent", async () => {
    await fc.assert(
      fc.asyncProperty(cookieHeader, async (cookie) => {
        for (const res of await Promise.all(steps(cookie))) expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  test("an ioa_session cookie that does not parse counts as absent: the login page, as without a session", async () => {
    await fc.assert(
      fc.asyncProperty(malformedValue, async (value) => {
        const res = await t.app.inject({
          method: "GET",
          url: authorizeUrl(codeRequest(client)),
          headers: { cookie: `${SESSION_COOKIE}=${value}; ${CSRF_COOKIE}=${jar.get(CSRF_COOKIE)}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('action="/oauth/login"');
      }),
      { numRuns: 25 },
    );
  });

  test("an ioa_csrf cookie that does not parse counts as absent: a fresh one is set, and a form is refused with 403", async () => {
    const fields = await authorize(t, codeRequest(client), jar);
    await fc.assert(
      fc.asyncProperty(malformedValue, async (value) => {
        const cookie = `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}; ${CSRF_COOKIE}=${value}`;
        const page = await t.app.inject({
          method: "GET",
          url: authorizeUrl(codeRequest(client)),
          headers: { cookie },
        });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('action="/oauth/consent"');
        expect(cookiesSet(page)).toContain(CSRF_COOKIE);
        expect(hiddenFields(page.body).csrf_token).not.toBe(value);
        // The submitted field equals the raw (unparsable) cookie text: still no match.
        const consent = await t.app.inject({
          method: "POST",
          url: "/oauth/consent",
          headers: { cookie, "content-type": FORM },
          payload: formBody({ ...fields, csrf_token: value, decision: "approve" }),
        });
        expect(consent.statusCode).toBe(403);
        expect(consent.headers.location).toBeUndefined();
        const signIn = await t.app.inject({
          method: "POST",
          url: "/oauth/login",
          headers: { cookie, "content-type": FORM },
          payload: formBody({
            return_to: authorizeUrl(codeRequest(client)),
            csrf_token: value,
            username: user.name,
            password: user.password,
          }),
        });
        expect(signIn.statusCode).toBe(403);
        expect(cookiesSet(signIn)).not.toContain(SESSION_COOKIE);
      }),
      { numRuns: 25 },
    );
  });
});
