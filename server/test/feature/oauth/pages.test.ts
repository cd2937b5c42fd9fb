// The login and consent pages: what they show, the headers that keep them from being framed, cached
// or leaking the URL, no third-party resources; consenting and denying, and CSRF on the consent form.
// (Signing in itself: login.test.ts.)
import type { LightMyRequestResponse } from "fastify";
import {
  approve,
  authorize,
  authorizeUrl,
  CookieJar,
  codeRequest,
  countRows,
  createIntegration,
  createScope,
  createUser,
  deny,
  getPage,
  hiddenFields,
  ISSUER,
  login,
  postForm,
  REDIRECT_URL,
  referencedUrls,
  SESSION_COOKIE,
  type TestClient,
  type TestUser,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const LOGO_URL = "https://cdn.acme.example/logo.png";

function expectPageHeaders(res: LightMyRequestResponse) {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  const csp = String(res.headers["content-security-policy"]);
  expect(csp.split("; ")).toEqual(
    expect.arrayContaining([
      "default-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "style-src 'self'",
    ]),
  );
  expect(res.headers["x-frame-options"]).toBe("DENY");
  expect(res.headers["referrer-policy"]).toBe("no-referrer");
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
}

/** Every src, href and form action is a path on this server (not //host) or one of `allowed`. */
function expectNoThirdPartyResources(html: string, allowed: string[] = []) {
  const urls = referencedUrls(html);
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    if (allowed.includes(url)) continue;
    expect(url).toMatch(/^\/(?!\/)/);
  }
  expect(html).not.toMatch(/<script|<iframe|<object|<embed|\sstyle="|\son[a-z]+=/i);
}

// Purely about the HTML and its headers: one database is enough.
describe("the login and consent pages (HTML)", () => {
  let t: TestApp;
  let client: TestClient;
  let jar: CookieJar;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp("sqlite", { clock: testClock() });
    await createScope(t, "useraccount", { description: "Read your profile & <settings>" });
    await createScope(t, "incidents.write", { description: "Open and update incidents" });
    client = await createIntegration(t, 'Help <desk> "app"', {
      providerName: "Acme & Sons",
      logoUrl: LOGO_URL,
      authScopes: ["useraccount", "incidents.write"],
    });
    user = await createUser(t, "page.viewer");
    jar = await login(t, user.name, user.password, codeRequest(client));
  });
  afterAll(async () => t.close());

  test("the login page: CSP frame-ancestors 'none', X-Frame-Options DENY, no-referrer, no-store; only own resources", async () => {
    for (const url of [
      authorizeUrl(codeRequest(client)),
      `/oauth/login?return_to=${encodeURIComponent("/oauth_auth.do?x=1")}`,
    ]) {
      const res = await getPage(t, url);
      expect(res.statusCode).toBe(200);
      expectPageHeaders(res);
      expect(res.headers["content-security-policy"]).toContain("form-action 'self';");
      expect(res.headers["content-security-policy"]).toContain("img-src 'self';");
      expectNoThirdPartyResources(res.body);
      expect(res.body).toContain('action="/oauth/login"');
    }
  });

  test("the consent page: the same headers; only own resources and the integration's logoUrl", async () => {
    const res = await getPage(t, authorizeUrl(codeRequest(client)), jar);
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("img-src 'self' https://cdn.acme.example;");
    expect(csp).toContain("form-action 'self' https://app.example.com;");
    expectNoThirdPartyResources(res.body, [LOGO_URL]);
  });

  test("the consent page shows the integration name, provider name, logo and the scopes with their descriptions", async () => {
    const res = await getPage(t, authorizeUrl(codeRequest(client)), jar);
    expect(res.body).toContain('<span id="integration">Help &lt;desk&gt; &quot;app&quot;</span>');
    expect(res.body).toContain('<span id="provider">Acme &amp; Sons</span>');
    expect(res.body).toContain(`<img class="logo" id="logo" src="${LOGO_URL}" alt="Acme &amp; Sons logo">`);
    expect(res.body).toContain(
      "<li><strong>useraccount</strong>: Read your profile &amp; &lt;settings&gt;</li>",
    );
    expect(res.body).toContain("<li><strong>incidents.write</strong>: Open and update incidents</li>");
    expect(res.body).toContain("signed in as page.viewer");
  });

  test("request values are HTML-escaped in hidden fields and come back unchanged in the redirect", async () => {
    const state = `"><script>alert(1)</script><a href='x'>`;
    const res = await getPage(t, authorizeUrl(codeRequest(client, { state })), jar);
    expect(res.body).not.toContain("<script>");
    expect(hiddenFields(res.body).state).toBe(state);
    const redirect = await approve(t, hiddenFields(res.body), jar);
    expect(redirect.state).toBe(state);
  });

  test("error pages carry the same headers", async () => {
    const res = await getPage(t, authorizeUrl(codeRequest(client, { client_id: "unknown-client" })));
    expect(res.statusCode).toBe(400);
    expectPageHeaders(res);
    expectNoThirdPartyResources(res.body);
  });

  test("the session cookie is HttpOnly, SameSite=Lax, Path=/ (and not Secure on an http issuer)", async () => {
    const page = await getPage(t, authorizeUrl(codeRequest(client)));
    const csrf = String(page.headers["set-cookie"]);
    expect(csrf).toMatch(/^ioa_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const res = await postForm(
      t,
      "/oauth/login",
      { ...hiddenFields(page.body), username: user.name, password: user.password },
      new CookieJar().store(page),
    );
    expect(res.statusCode).toBe(303);
    expect(String(res.headers["set-cookie"])).toMatch(
      /^ioa_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/,
    );
  });
});

describe.each(DATABASES)("consenting on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;
  let jar: CookieJar;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    client = await createIntegration(t, "Web app");
    user = await createUser(t, "bob");
    jar = await login(t, user.name, user.password, codeRequest(client));
  });
  afterAll(async () => t.close());

  test("deny → access_denied redirect with the state and iss, and no code is issued", async () => {
    const codes = await countRows(t, "authorization_codes");
    const redirect = await deny(t, await authorize(t, codeRequest(client), jar), jar);
    expect(redirect.status).toBe(303);
    expect(`${redirect.url.origin}${redirect.url.pathname}`).toBe(REDIRECT_URL);
    expect(redirect.params).toEqual({
      error: "access_denied",
      error_description: "The user denied the request.",
      state: "state-123",
      iss: ISSUER,
    });
    expect(await countRows(t, "authorization_codes")).toBe(codes);
  });

  test("a consent POST without, or with a wrong, CSRF token → 403 and no code", async () => {
    const codes = await countRows(t, "authorization_codes");
    const fields = await authorize(t, codeRequest(client), jar);
    for (const csrf of [undefined, "B".repeat(43)]) {
      const res = await postForm(
        t,
        "/oauth/consent",
        { ...fields, csrf_token: csrf, decision: "approve" },
        jar,
      );
      expect(res.statusCode).toBe(403);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain("Form expired");
    }
    // A cross-site post carries the session cookie (SameSite=Lax aside) but not the CSRF cookie.
    const res = await postForm(
      t,
      "/oauth/consent",
      { ...fields, decision: "approve" },
      jar.without("ioa_csrf"),
    );
    expect(res.statusCode).toBe(403);
    expect(await countRows(t, "authorization_codes")).toBe(codes);
  });

  test("a consent POST without a session → 401 and no code", async () => {
    const codes = await countRows(t, "authorization_codes");
    const fields = await authorize(t, codeRequest(client), jar);
    const res = await postForm(
      t,
      "/oauth/consent",
      { ...fields, decision: "approve" },
      jar.without(SESSION_COOKIE),
    );
    expect(res.statusCode).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(await countRows(t, "authorization_codes")).toBe(codes);
  });
});
