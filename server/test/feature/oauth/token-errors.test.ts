// Every refusal of the token endpoint, byte for byte: the RFC 6749 §5.2 body carries the error code
// and its public description only; the debug detail that tells apart causes sharing one description
// (a malformed verifier from a wrong one, an unknown client from a wrong secret) goes to the log,
// never to the client, and no log line holds a code, refresh token, verifier or secret.
import type { LightMyRequestResponse } from "fastify";
import {
  authOf,
  type ClientAuth,
  exchange,
  pkce,
  REDIRECT_URL,
  redeem,
  refresh,
  type TestClient,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import { type CodeFor, logLines, signInWithClients } from "../../helpers/token-endpoint";

describe.each(DATABASES)("token endpoint refusals on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let lines: Record<string, unknown>[];
  let web: TestClient;
  let other: TestClient;
  let codeFor: CodeFor;
  /** Every credential the test handles, none of which may reach a log line. */
  const credentials: string[] = [];

  beforeAll(async () => {
    const log = logLines();
    lines = log.lines;
    t = await startTestApp(kind, { clock, log: { level: "info", stream: log.stream } });
    const signedIn = await signInWithClients(t, {
      web: ["Web app", { authScopes: [] }],
      other: ["Other app"],
    });
    ({ web, other } = signedIn.clients);
    codeFor = signedIn.codeFor;
    credentials.push(web.clientSecret!, other.clientSecret!, signedIn.alice.password);
  });
  afterAll(async () => t.close());

  const code = async (extra: Record<string, string> = {}) => {
    const issued = await codeFor(web, extra);
    credentials.push(issued);
    return issued;
  };

  /** Sends the request; checks the exact body; returns the detail logged for it (or undefined). */
  async function refusal(
    send: () => Promise<LightMyRequestResponse>,
    status: number,
    body: { error: string; error_description: string },
  ): Promise<string | undefined> {
    const before = lines.length;
    const res = await send();
    expect({ status: res.statusCode, body: res.body }).toEqual({ status, body: JSON.stringify(body) });
    const logged = lines.slice(before).filter((line) => line.msg === "oauth request refused");
    for (const line of logged) expect(res.body).not.toContain(String(line.detail));
    expect(logged.length).toBeLessThanOrEqual(1);
    return logged[0]?.detail as string | undefined;
  }
  const grant = (form: Record<string, string | undefined>, auth: ClientAuth = authOf(web)) =>
    exchange(t, form, auth);
  const invalidGrant = (description: string) => ({ error: "invalid_grant", error_description: description });

  test("grant_type: missing, or one the dispatcher does not know (inherited names included)", async () => {
    expect(
      await refusal(() => grant({}), 400, {
        error: "invalid_request",
        error_description: "grant_type is required.",
      }),
    ).toBeUndefined();
    for (const name of ["password", "client_credentials", "__proto__", "toString", "constructor"]) {
      const detail = await refusal(() => grant({ grant_type: name }), 400, {
        error: "unsupported_grant_type",
        error_description: "Only authorization_code and refresh_token are supported.",
      });
      expect(detail).toBe(`grant_type ${JSON.stringify(name)}.`);
    }
  });

  test("client authentication: one public description, the cause in the detail", async () => {
    const form = { grant_type: "authorization_code", code: "x" };
    const wrong = { error: "invalid_client", error_description: "Unknown client or wrong secret." };
    const unknown = await refusal(
      () => grant(form, { method: "basic", clientId: "no-such-client", secret: "whatever-secret" }),
      401,
      wrong,
    );
    const badSecret = await refusal(
      () => grant(form, { method: "basic", clientId: web.clientId, secret: "not-the-secret" }),
      401,
      wrong,
    );
    expect(unknown).toBe("No integration has this client_id.");
    expect(badSecret).toBe(`Integration ${web.id}: wrong secret.`);
  });

  test("authorization_code: each binding refused with its own description", async () => {
    expect(
      await refusal(() => grant({ grant_type: "authorization_code" }), 400, {
        error: "invalid_request",
        error_description: "code is required.",
      }),
    ).toBeUndefined();
    await refusal(
      () => grant({ grant_type: "authorization_code", code: "no-such-code" }),
      400,
      invalidGrant("The authorization code is not valid."),
    );
    const webCode = await code();
    expect(
      await refusal(
        () => grant({ grant_type: "authorization_code", code: webCode }, authOf(other)),
        400,
        invalidGrant("The authorization code was issued to another client."),
      ),
    ).toBe(`Code of integration ${web.id} presented by integration ${other.id}.`);
    const explicit = await code({ redirect_uri: REDIRECT_URL });
    const redirectMismatch = invalidGrant("redirect_uri must be the one of the authorization request.");
    expect(
      await refusal(() => grant({ grant_type: "authorization_code", code: explicit }), 400, redirectMismatch),
    ).toBe("The token request left out the redirect_uri of the authorization request.");
    const implicit = await code();
    expect(
      await refusal(
        () => grant({ grant_type: "authorization_code", code: implicit, redirect_uri: `${REDIRECT_URL}/x` }),
        400,
        redirectMismatch,
      ),
    ).toBe("The authorization request named no redirect_uri; the token request named one.");
    const expiring = await code();
    clock.advance(61);
    expect(
      await refusal(
        () => grant({ grant_type: "authorization_code", code: expiring }),
        400,
        invalidGrant("The authorization code expired."),
      ),
    ).toMatch(/^Expired at \d{4}-\d\d-\d\dT/);
    const plain = await code();
    await refusal(
      () => grant({ grant_type: "authorization_code", code: plain, code_verifier: "a".repeat(43) }),
      400,
      invalidGrant("code_verifier was sent but the authorization request had no code_challenge."),
    );
  });

  test("PKCE: a malformed and a wrong verifier share the public description, not the detail", async () => {
    const challenge = pkce();
    credentials.push(challenge.verifier);
    const withChallenge = await code(challenge.params);
    const mismatch = invalidGrant("code_verifier does not match the code_challenge.");
    const form = (code_verifier?: string) => ({
      grant_type: "authorization_code",
      code: withChallenge,
      code_verifier,
    });
    await refusal(
      () => grant(form()),
      400,
      invalidGrant("code_verifier is required: the authorization request had a code_challenge."),
    );
    expect(await refusal(() => grant(form("short")), 400, mismatch)).toBe("The verifier is malformed.");
    expect(await refusal(() => grant(form("b".repeat(43))), 400, mismatch)).toBe(
      "The verifier's S256 is another challenge.",
    );
  });

  test("a reused code and a reused refresh token revoke their grant, and say how many tokens", async () => {
    const once = await code();
    const tokens = await redeem(t, web, once);
    credentials.push(tokens.access_token, tokens.refresh_token);
    expect(
      await refusal(
        () => grant({ grant_type: "authorization_code", code: once }),
        400,
        invalidGrant("The authorization code was already used; the 2 token(s) issued from it are revoked."),
      ),
    ).toBe("The code was presented again after its redemption.");

    const fresh = await redeem(t, web, await code());
    credentials.push(fresh.access_token, fresh.refresh_token);
    expect(
      await refusal(() => refresh(t, web, fresh.refresh_token, { scope: "extra" }), 400, {
        error: "invalid_scope",
        error_description: "A refresh cannot add scopes: extra were not granted.",
      }),
    ).toBeUndefined();
    const rotated = await refresh(t, web, fresh.refresh_token);
    expect(rotated.statusCode).toBe(200);
    credentials.push(rotated.json().access_token, rotated.json().refresh_token);
    expect(
      await refusal(
        () => refresh(t, web, fresh.refresh_token),
        400,
        invalidGrant("The refresh token was already used; every token of its grant is now revoked."),
      ),
    ).toBe("The refresh token was rotated before; 4 token(s) of its grant revoked.");
    await refusal(() => grant({ grant_type: "refresh_token" }), 400, {
      error: "invalid_request",
      error_description: "refresh_token is required.",
    });
  });

  // Last, over everything the tests above logged.
  test("no log line holds a code, token, verifier, password or secret", () => {
    expect(lines.filter((line) => line.msg === "oauth request refused").length).toBeGreaterThan(10);
    expect(credentials.length).toBeGreaterThan(10);
    const text = JSON.stringify(lines);
    for (const credential of credentials) expect(text).not.toContain(credential);
  });
});
