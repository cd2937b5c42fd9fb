// Issue 10 (3): failed client authentication is limited per client_id (20 in 5 minutes) and per
// address across clients (60 in 5 minutes) at the token, introspection and revocation endpoints.
// Over a limit → 429 in the OAuth error shape (invalid_client, error_description) with Retry-After,
// and the secret is not even compared: the right one is refused too until the window ends.
import type { LightMyRequestResponse } from "fastify";
import { CLIENT_AUTH_LIMITS } from "../../../src/domain/oauth/throttle";
import { clientAttempt, statusCounts } from "../../helpers/attempts";
import { createIntegration, type TestClient, testClock } from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const { perClient, perAddress } = CLIENT_AUTH_LIMITS;
const WRONG = "not-the-secret-not-the-secret-0000000000";

/** Each endpoint, a request it answers once the client is authenticated, and that answer's status. */
const ENDPOINTS = [
  { path: "/oauth/token", form: { grant_type: "refresh_token", refresh_token: "x".repeat(43) }, ok: 400 },
  { path: "/oauth/introspect", form: { token: "x".repeat(43) }, ok: 200 },
  { path: "/oauth/revoke", form: { token: "x".repeat(43) }, ok: 200 },
] as const;

let nextAddress = 1;
const freshAddress = () => {
  const n = nextAddress++;
  return `203.0.${n >> 8}.${n & 255}`;
};

function expectLimited(res: LightMyRequestResponse, retryAfter: number) {
  expect(res.statusCode).toBe(429);
  expect(res.headers["retry-after"]).toBe(String(retryAfter));
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.json()).toEqual({
    error: "invalid_client",
    error_description: `Too many failed client authentications for this client or from this address; try again in ${retryAfter} second(s).`,
  });
}

describe.each(DATABASES)("limits on failed client authentication on %s", (kind) => {
  const clock = testClock();
  let t: TestApp;
  let clients = 0;
  const newClient = () => createIntegration(t, `Limited client ${++clients}`);

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
  });
  afterAll(async () => t.close());

  test.each(ENDPOINTS)(
    "30 wrong client secrets then the right one at $path: 429 with Retry-After once over the limit, the right one refused until the window ends",
    async ({ path, form, ok }) => {
      const client = await newClient();
      const address = freshAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await clientAttempt(t.app, path, client.clientId, WRONG, address, form);
        statuses.push(res.statusCode);
        if (i >= perClient.attempts) expectLimited(res, perClient.windowSeconds);
      }
      expect(statuses).toEqual([
        ...Array(perClient.attempts).fill(401),
        ...Array(30 - perClient.attempts).fill(429),
      ]);
      // The right secret is refused unevaluated, from this address and from any other.
      const right = (from: string) =>
        clientAttempt(t.app, path, client.clientId, client.clientSecret!, from, form);
      expectLimited(await right(address), perClient.windowSeconds);
      expectLimited(await right(freshAddress()), perClient.windowSeconds);
      clock.advance(perClient.windowSeconds - 1);
      expectLimited(await right(address), 1);
      clock.advance(1);
      expect((await right(address)).statusCode).toBe(ok);
    },
  );

  test("per address across clients: 60 failures over 4 clients, then even a right secret from that address → 429", async () => {
    const address = freshAddress();
    const guessed: TestClient[] = [];
    for (let i = 0; i < 4; i++) guessed.push(await newClient());
    const perEach = perAddress.attempts / guessed.length;
    expect(perEach).toBeLessThan(perClient.attempts);
    for (const client of guessed) {
      for (let i = 0; i < perEach; i++) {
        const res = await clientAttempt(t.app, "/oauth/introspect", client.clientId, WRONG, address, {
          token: "x",
        });
        expect(res.statusCode).toBe(401);
      }
    }
    const bystander = await newClient();
    const right = (from: string) =>
      clientAttempt(t.app, "/oauth/token", bystander.clientId, bystander.clientSecret!, from, {
        grant_type: "refresh_token",
        refresh_token: "x".repeat(43),
      });
    expectLimited(await right(address), perAddress.windowSeconds);
    // Another address is not held back, nor is that client.
    expect((await right(freshAddress())).statusCode).toBe(400);
  });

  test("a 100-way concurrent burst of wrong secrets for one client: at most 20 are told wrong, the rest 429", async () => {
    const client = await newClient();
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        clientAttempt(t.app, "/oauth/token", client.clientId, WRONG, address, {
          grant_type: "refresh_token",
        }),
      ),
    );
    const counts = statusCounts(answers);
    console.info(`[${kind}] client secrets: ${counts[401]} of 100 told wrong (401)`, counts);
    expect(counts).toEqual({ 401: perClient.attempts, 429: 100 - perClient.attempts });
  });

  test("successful client authentications do not use up the limit: 50 concurrent, then 20 failures still allowed", async () => {
    const client = await newClient();
    const address = freshAddress();
    const good = await Promise.all(
      Array.from({ length: 50 }, () =>
        clientAttempt(t.app, "/oauth/introspect", client.clientId, client.clientSecret!, address, {
          token: "x",
        }),
      ),
    );
    expect(statusCounts(good)).toEqual({ 200: 50 });
    for (let i = 0; i < perClient.attempts; i++) {
      const res = await clientAttempt(t.app, "/oauth/introspect", client.clientId, WRONG, address, {
        token: "x",
      });
      expect(res.statusCode).toBe(401);
    }
    const over = await clientAttempt(t.app, "/oauth/introspect", client.clientId, WRONG, address, {
      token: "x",
    });
    expectLimited(over, perClient.windowSeconds);
  });
});
