import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { fetch } from "undici";
import { type AuthServer, manage, startAuthServer } from "../../helpers/built-server";

const ROOT = resolve(__dirname, "../../../..");
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(ROOT, "test-output/browser");
const TIMEOUT_MS = 60_000;

const SCOPE = { name: "incident.read", description: "Read your incidents" };
const INTEGRATION_NAME = "Helpdesk Browser Test";
const PROVIDER_NAME = "Acme Service Desk";
const USER = { name: "demo", password: "demo-password" };

/** A PNG image (RGB, 8 bits per channel), for the integration's logo. */
function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter, no interlace
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) rows.push(...pixel(x, y));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A 160x48 logo: a blue band with an orange disc, so it is easy to spot on a screenshot. */
const LOGO = png(160, 48, (x, y) => {
  const inDisc = (x - 24) ** 2 + (y - 24) ** 2 <= 18 ** 2;
  if (inDisc) return [245, 130, 32];
  return x % 40 < 20 ? [31, 111, 209] : [22, 84, 160];
});

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** The client app: serves /logo.png and receives the redirect at /callback. */
interface ClientApp {
  origin: string;
  redirectUri: string;
  logoUrl: string;
  logoRequests: number;
  /** Resolves with the query of the first /callback request carrying this state. */
  callback(state: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

async function startClientApp(): Promise<ClientApp> {
  const received: Record<string, string>[] = [];
  const waiters: { state: string; resolve: (query: Record<string, string>) => void }[] = [];
  const app = {
    logoRequests: 0,
  } as ClientApp;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/logo.png") {
      app.logoRequests++;
      response.writeHead(200, { "content-type": "image/png", "content-length": LOGO.length });
      response.end(LOGO);
      return;
    }
    if (url.pathname === "/callback") {
      const query = Object.fromEntries(url.searchParams);
      received.push(query);
      for (const waiter of waiters.filter((w) => w.state === query.state)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(query);
      }
      const rows = Object.entries(query)
        .map(
          ([key, value]) => `<tr><th>${escapeHtml(key)}</th><td><code>${escapeHtml(value)}</code></td></tr>`,
        )
        .join("");
      const title = query.error ? "Authorization refused" : "Authorization received";
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2733}th{text-align:left;padding:.3rem 1rem .3rem 0}
td code{word-break:break-all}table{border-collapse:collapse}tr{border-bottom:1px solid #dde3e9}</style></head>
<body><h1 id="result">${title}</h1><p>The client app's redirect listener got:</p><table>${rows}</table></body></html>`);
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(app, {
    origin,
    redirectUri: `${origin}/callback`,
    logoUrl: `${origin}/logo.png`,
    callback(state: string) {
      const already = received.find((query) => query.state === state);
      if (already) return Promise.resolve(already);
      return new Promise<Record<string, string>>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`the redirect listener got no /callback with state ${state}`)),
          TIMEOUT_MS / 2,
        );
        waiters.push({
          state,
          resolve: (query) => {
            clearTimeout(timer);
            done(query);
          },
        });
      });
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  });
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

describe("authorization code flow in a real browser (built server, Debian's Chromium)", () => {
  let dir: string;
  let server: AuthServer | undefined;
  let app: ClientApp | undefined;
  let browser: Browser | undefined;
  let client: { clientId: string; clientSecret: string };
  /** What Chromium reported as blocked by a page's Content-Security-Policy. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: run 'bash scripts/ensure-chromium.sh' (or 'make chromium') to install Debian's chromium.`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "inbound-oauth-browser-"));
    app = await startClientApp();
    server = await startAuthServer(dir);
    await manage(server, "/api/v1/auth-scopes", { ...SCOPE, limitAuthorizationToApis: ["Table API"] });
    const integration = await manage(server, "/api/v1/integrations", {
      name: INTEGRATION_NAME,
      providerName: PROVIDER_NAME,
      redirectUrls: [app.redirectUri],
      authScopes: [SCOPE.name],
      publicClient: false,
      tokenFormat: "Opaque",
      logoUrl: app.logoUrl,
    });
    client = { clientId: String(integration.clientId), clientSecret: String(integration.clientSecret) };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--headless=new",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: TIMEOUT_MS,
    });
  }, TIMEOUT_MS * 2);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  /** A fresh browser profile (no cookies) with the authorize URL of a new request opened. */
  async function openAuthorizeRequest(): Promise<{
    context: BrowserContext;
    page: Page;
    state: string;
    verifier: string;
  }> {
    const context = await browser!.newContext({ viewport: { width: 800, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS / 2);
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const state = base64url(randomBytes(16));
    const { verifier, challenge } = pkce();
    const authorize = new URL("/oauth_auth.do", server!.base);
    authorize.search = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: app!.redirectUri,
      scope: SCOPE.name,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    const response = await page.goto(authorize.toString());
    expect(response?.status()).toBe(200);
    return { context, page, state, verifier };
  }

  async function signIn(page: Page, screenshot?: string): Promise<void> {
    await expect(page.title()).resolves.toBe("Sign in");
    await page.fill("#username", USER.name);
    await page.fill("#password", USER.password);
    if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
    await Promise.all([page.waitForURL(/\/oauth_auth\.do\?/), page.click("#sign-in")]);
    await page.waitForSelector("#approve");
  }

  test(
    "log in, consent (name, provider, logo through the CSP, scope in words), get a code, redeem it, call the API",
    async () => {
      const { context, page, state, verifier } = await openAuthorizeRequest();
      try {
        await signIn(page, "1-login.png");

        // The consent page: who asks, for what, with the logo loaded from the client app's origin.
        await expect(page.title()).resolves.toBe(`Allow ${INTEGRATION_NAME}?`);
        expect(await page.textContent("#integration")).toBe(INTEGRATION_NAME);
        expect(await page.textContent("#provider")).toBe(PROVIDER_NAME);
        expect(await page.locator("#scopes li").allTextContents()).toEqual([
          `${SCOPE.name}: ${SCOPE.description}`,
        ]);
        // (Page-side code as strings: the test's TypeScript has no DOM types.)
        await page.waitForFunction("document.getElementById('logo')?.complete === true");
        const logo = await page.evaluate<{ src: string; naturalWidth: number; naturalHeight: number }>(
          "(() => { const img = document.getElementById('logo'); return { src: img.currentSrc, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight }; })()",
        );
        expect(logo).toEqual({ src: app!.logoUrl, naturalWidth: 160, naturalHeight: 48 });
        expect(app!.logoRequests).toBeGreaterThan(0);
        await page.screenshot({ path: join(SCREENSHOTS, "2-consent.png"), fullPage: true });

        // Approve: the 303 to the redirect URI must pass the page's form-action CSP.
        const callback = app!.callback(state);
        await Promise.all([page.waitForURL(`${app!.redirectUri}?**`), page.click("#approve")]);
        const query = await callback;
        expect(query).toEqual({ code: expect.stringMatching(/\S{20,}/), state, iss: server!.base });
        expect(new URL(page.url()).searchParams.get("code")).toBe(query.code);
        await page.waitForSelector("#result");
        await page.screenshot({ path: join(SCREENSHOTS, "3-callback.png"), fullPage: true });
        expect(cspViolations).toEqual([]);

        // The client app redeems the code (client_secret_basic, PKCE) and calls the sample API.
        const basic = Buffer.from(
          `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
        ).toString("base64");
        const tokenResponse = await fetch(`${server!.base}/oauth_token.do`, {
          method: "POST",
          headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            code: query.code!,
            redirect_uri: app!.redirectUri,
            code_verifier: verifier,
          }).toString(),
        });
        const tokens = (await tokenResponse.json()) as Record<string, unknown>;
        expect({ status: tokenResponse.status, tokens }).toMatchObject({
          status: 200,
          tokens: {
            access_token: expect.any(String),
            refresh_token: expect.any(String),
            token_type: "Bearer",
            expires_in: expect.any(Number),
            scope: SCOPE.name,
          },
        });
        expect(tokenResponse.headers.get("cache-control")).toBe("no-store");

        const api = await fetch(`${server!.base}/api/now/table/incident`, {
          headers: { authorization: `Bearer ${String(tokens.access_token)}`, accept: "application/json" },
        });
        const incidents = (await api.json()) as { result: { number: string }[] };
        expect(api.status).toBe(200);
        expect(incidents.result.map((row) => row.number)).toEqual(["INC0000001", "INC0000002"]);

        // The code is single-use.
        const again = await fetch(`${server!.base}/oauth_token.do`, {
          method: "POST",
          headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            code: query.code!,
            redirect_uri: app!.redirectUri,
            code_verifier: verifier,
          }).toString(),
        });
        expect(again.status).toBe(400);
        expect(await again.json()).toMatchObject({ error: "invalid_grant" });
      } finally {
        await context.close();
      }
    },
    TIMEOUT_MS,
  );

  test(
    "the deny button sends error=access_denied (with state and iss) to the redirect URI",
    async () => {
      const { context, page, state } = await openAuthorizeRequest();
      try {
        await signIn(page);
        const callback = app!.callback(state);
        await Promise.all([page.waitForURL(`${app!.redirectUri}?**`), page.click("#deny")]);
        const query = await callback;
        expect(query).toEqual({
          error: "access_denied",
          error_description: expect.any(String),
          state,
          iss: server!.base,
        });
        expect(query).not.toHaveProperty("code");
        await page.waitForSelector("#result");
        await page.screenshot({ path: join(SCREENSHOTS, "4-denied-callback.png"), fullPage: true });
        expect(cspViolations).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TIMEOUT_MS,
  );
});
