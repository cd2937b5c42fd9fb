// The fuzz tier of the OAuth runtime: random requests (oauth-requests.ts) to every OAuth endpoint
// and page, against an app with real clients, a signed-in session, live codes and tokens. Whatever
// arrives, the answer is not a 5xx, the app does not crash, and no body shows a stack trace, a file
// path or an engine's error message. Bounded and seeded (FUZZ_SEED, FUZZ_RUNS); a failure prints
// the seed and the shrunk request.
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import {
  authorizeUrl,
  CookieJar,
  CSRF_COOKIE,
  codeRequest,
  createIntegration,
  createScope,
  createUser,
  grantTokens,
  login,
  obtainCode,
  pkce,
  REDIRECT_URL,
  SESSION_COOKIE,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import { problemsOf } from "./leaks";
import { type Pool, requestArbitrary } from "./oauth-requests";

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4000);

describe.each(DATABASES)("fuzzing the OAuth endpoints and pages (%s)", (kind) => {
  let t: TestApp;
  let pool: Pool;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: testClock() });
    const user = await createUser(t, "fuzz-user", { roles: ["itil"] });
    await createScope(t, "useraccount");
    const confidential = await createIntegration(t, "Fuzz web app", { authScopes: ["useraccount"] });
    const publicClient = await createIntegration(t, "Fuzz SPA", {
      publicClient: true,
      tokenFormat: "JWT",
      redirectUrls: ["http://127.0.0.1:8400/cb"],
    });
    const request = codeRequest(confidential);
    const jar = await login(t, user.name, user.password, request, new CookieJar());
    const opaque = await grantTokens(t, confidential, jar);
    await grantTokens(t, publicClient, jar);
    const challenge = pkce();
    const { code } = await obtainCode(t, codeRequest(confidential, challenge.params), jar);
    pool = {
      clientId: confidential.clientId,
      clientSecret: confidential.clientSecret!,
      publicClientId: publicClient.clientId,
      redirectUri: REDIRECT_URL,
      scope: "useraccount",
      username: user.name,
      password: user.password,
      code,
      codeVerifier: challenge.verifier,
      codeChallenge: challenge.challenge,
      accessToken: opaque.access_token,
      refreshToken: opaque.refresh_token,
      session: jar.get(SESSION_COOKIE)!,
      csrf: jar.get(CSRF_COOKIE)!,
      adminToken: t.tokens.admin,
      returnTo: authorizeUrl(request),
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  it("answers every request without a 5xx, a crash or an internal detail in the body", async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(pool), async (request: InjectOptions) => {
        const res = await t.app.inject(request);
        expect(problemsOf(res)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  }, 300_000);

  it("still serves a normal request afterwards", async () => {
    const res = await t.app.inject({ method: "GET", url: "/.well-known/oauth-authorization-server" });
    expect(res.statusCode).toBe(200);
  });
});
