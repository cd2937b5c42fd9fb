// Signing in on the built-in login page: CSRF on the form, password checks and their throttle,
// return_to limited to this server's authorization requests (no open redirect), and an integration's
// loginUrl sending people elsewhere to sign in before the flow resumes here.
import type { LightMyRequestResponse } from "fastify";
import { safeReturnTo } from "../../../src/routes/oauth/login";
import {
  approve,
  authorize,
  authorizeUrl,
  CookieJar,
  codeRequest,
  cookiesSet,
  countRows,
  createIntegration,
  createUser,
  getPage,
  hiddenFields,
  ISSUER,
  postForm,
  SESSION_COOKIE,
  type TestClient,
  type TestUser,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("signing in on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    client = await createIntegration(t, "Web app");
    user = await createUser(t, "bob");
  });
  afterAll(async () => t.close());

  /** A fresh browser at the login page of an authorization request: its cookies and hidden fields. */
  const loginPage = async () => {
    const browser = new CookieJar();
    const page = await getPage(t, authorizeUrl(codeRequest(client)), browser);
    expect(page.statusCode).toBe(200);
    return { browser, fields: hiddenFields(page.body) };
  };

  const expectNoSession = async (res: LightMyRequestResponse, sessionsBefore: number) => {
    expect(res.headers.location).toBeUndefined();
    expect(cookiesSet(res)).not.toContain(SESSION_COOKIE);
    expect(await countRows(t, "login_sessions")).toBe(sessionsBefore);
  };

  test("a login POST without, or with a wrong, CSRF token → 403 and no session", async () => {
    const sessions = await countRows(t, "login_sessions");
    const { browser, fields } = await loginPage();
    const credentials = { username: user.name, password: user.password };
    const attempts = [
      postForm(t, "/oauth/login", { ...fields, csrf_token: undefined, ...credentials }, browser),
      postForm(t, "/oauth/login", { ...fields, csrf_token: "A".repeat(43), ...credentials }, browser),
      // The right token in the form, but no cookie to match it (another site's form).
      postForm(t, "/oauth/login", { ...fields, ...credentials }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("This form expired.");
      await expectNoSession(res, sessions);
    }
  });

  test("a wrong password or an unknown user → 401 with one message, and no session", async () => {
    const sessions = await countRows(t, "login_sessions");
    for (const [username, password] of [
      [user.name, "not the right password"],
      ["nobody-here", user.password],
    ] as const) {
      const { browser, fields } = await loginPage();
      const res = await postForm(t, "/oauth/login", { ...fields, username, password }, browser);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain("Wrong user name or password.");
      await expectNoSession(res, sessions);
    }
  });

  test("the 6th failed login for one user within 15 minutes → 429 with Retry-After; it works again 15 minutes later", async () => {
    const victim = await createUser(t, "carol");
    const { browser, fields } = await loginPage();
    const attempt = (password: string) =>
      postForm(t, "/oauth/login", { ...fields, username: victim.name, password }, browser);
    for (let i = 1; i <= 5; i++) expect((await attempt(`wrong password ${i}`)).statusCode).toBe(401);
    const sessions = await countRows(t, "login_sessions");
    // Even the right password is refused now, without being checked.
    const refused = await attempt(victim.password);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("900");
    expect(refused.body).toContain("Too many failed sign-ins. Try again in 15 minute(s).");
    await expectNoSession(refused, sessions);
    // Another user is not affected.
    const other = await loginPage();
    const otherLogin = { ...other.fields, username: user.name, password: user.password };
    expect((await postForm(t, "/oauth/login", otherLogin, other.browser)).statusCode).toBe(303);

    clock.advance(15 * 60 - 1);
    const stillRefused = await attempt(victim.password);
    expect(stillRefused.statusCode).toBe(429);
    expect(stillRefused.headers["retry-after"]).toBe("1");

    clock.advance(1);
    const res = await attempt(victim.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(fields.return_to);
    expect(cookiesSet(res)).toContain(SESSION_COOKIE);
  });

  test("return_to pointing elsewhere (open redirect attempt) is refused, on the form and on the login URL", async () => {
    const sessions = await countRows(t, "login_sessions");
    const { browser, fields } = await loginPage();
    for (const returnTo of [
      "https://evil.example/oauth_auth.do?client_id=x",
      "//evil.example/oauth_auth.do?client_id=x",
      "/\\evil.example/oauth_auth.do?client_id=x",
      "https://evil.example",
      "/oauth/consent?decision=approve",
      "/api/v1/integrations",
      "javascript:alert(1)",
    ]) {
      const res = await postForm(
        t,
        "/oauth/login",
        { ...fields, return_to: returnTo, username: user.name, password: user.password },
        browser,
      );
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain("Nothing to sign in for");
      await expectNoSession(res, sessions);

      const page = await getPage(t, `/oauth/login?return_to=${encodeURIComponent(returnTo)}`);
      expect(page.statusCode).toBe(400);
      expect(page.body).not.toContain("evil.example");
    }
  });

  test("a return_to with control characters (CR LF) is not a return_to this server accepts", async () => {
    const { fields } = await loginPage();
    expect(safeReturnTo(`${fields.return_to}\r\nX-Injected: 1`)).toBeUndefined();
  });

  test("an integration with loginUrl: authorize redirects there with return_to; signing in at /oauth/login?return_to resumes at consent", async () => {
    const sso = await createIntegration(t, "SSO app", {
      loginUrl: "https://login.acme.example/sso?tenant=7",
    });
    const browser = new CookieJar();
    const request = authorizeUrl(codeRequest(sso));
    const res = await getPage(t, request, browser);
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe("https://login.acme.example/sso");
    expect(location.searchParams.get("tenant")).toBe("7");
    const returnTo = location.searchParams.get("return_to")!;
    expect(returnTo).toBe(`${ISSUER}${request}`);

    // The login site sends the person back to the built-in page with that return_to.
    const page = await getPage(t, `/oauth/login?return_to=${encodeURIComponent(returnTo)}`, browser);
    expect(page.statusCode).toBe(200);
    const fields = hiddenFields(page.body);
    expect(fields.return_to).toBe(request);
    const signedIn = await postForm(
      t,
      "/oauth/login",
      { ...fields, username: user.name, password: user.password },
      browser,
    );
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe(request);
    const consent = await authorize(t, codeRequest(sso), browser);
    expect(consent.client_id).toBe(sso.clientId);
    expect((await approve(t, consent, browser)).code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
