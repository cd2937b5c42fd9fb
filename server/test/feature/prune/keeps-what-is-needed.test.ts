// Pruning through the real flows: what a client or a person can still present keeps working after a
// prune — reuse detection of rotated refresh tokens and of used codes, live sessions, idempotent
// replays inside their 24 hours — and goes once it could no longer be presented.
import { prune } from "../../../src/domain/prune/run";
import {
  authOf,
  authorize,
  callApi,
  codeRequest,
  createIntegration,
  createUser,
  exchange,
  grantTokens,
  introspection,
  login,
  obtainCode,
  redeem,
  refresh,
  type TestClient,
  type Tokens,
  testClock,
} from "../../helpers/oauth-flow";
import { DATABASES, integrationBody, startTestApp, type TestApp } from "../../helpers/test-app";

describe.each(DATABASES)("pruning keeps what is still needed on %s", (kind) => {
  let clock = testClock();
  let t: TestApp;
  let web: TestClient;
  let user: { name: string; password: string };

  const removed = async (table: string) =>
    (await prune(t.store.db, clock)).find((r) => r.table === table)?.removed;

  // A fresh database and clock for each test: each counts what it alone left behind.
  beforeEach(async () => {
    clock = testClock();
    t = await startTestApp(kind, { clock });
    web = await createIntegration(t, "Web app", { accessTokenLifespan: 600, refreshTokenLifespan: 3600 });
    user = await createUser(t, "alice");
  });
  afterEach(() => t.close());

  test("a rotated refresh token presented after a prune still revokes its whole family", async () => {
    const jar = await login(t, user.name, user.password, codeRequest(web));
    const first = await grantTokens(t, web, jar);
    clock.advance(100);
    const second: Tokens = (await refresh(t, web, first.refresh_token)).json();
    clock.advance(580);
    // The first access token ended 80 s ago: it goes; the second has 20 s to live; the rotated refresh token (and the code the
    // family came from) stay, as they can still be presented.
    expect(await removed("oauth_tokens")).toBe(1);
    expect((await callApi(t, second.access_token)).statusCode).toBe(200);

    const reuse = await refresh(t, web, first.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error_description).toBe(
      "The refresh token was already used; every token of its grant is now revoked.",
    );
    expect(await introspection(t, second.refresh_token)).toEqual({ active: false });
    expect(await introspection(t, second.access_token)).toEqual({ active: false });
  });

  test("a used code presented after a prune still revokes its tokens; it goes with the last of them", async () => {
    const jar = await login(t, user.name, user.password, codeRequest(web));
    const { code } = await obtainCode(t, codeRequest(web), jar);
    const tokens = await redeem(t, web, code);
    clock.advance(180);
    expect(await removed("authorization_codes")).toBe(0);

    const again = await exchange(t, { grant_type: "authorization_code", code }, authOf(web));
    expect(again.statusCode).toBe(400);
    expect(again.json().error_description).toMatch(
      /already used; the 2 token\(s\) issued from it are revoked/,
    );
    expect(await introspection(t, tokens.refresh_token)).toEqual({ active: false });

    clock.advance(3600 - 180 + 59);
    expect(await removed("authorization_codes")).toBe(0);
    clock.advance(2);
    const result = await prune(t.store.db, clock);
    expect(result.find((r) => r.table === "authorization_codes")?.removed).toBe(1);
    expect(result.find((r) => r.table === "oauth_tokens")?.removed).toBe(1);
  });

  test("an unused code goes a minute after it expires", async () => {
    const jar = await login(t, user.name, user.password, codeRequest(web));
    await obtainCode(t, codeRequest(web), jar);
    clock.advance(60 + 60);
    expect(await removed("authorization_codes")).toBe(0);
    clock.advance(1);
    expect(await removed("authorization_codes")).toBe(1);
  });

  test("a live login session survives a prune and keeps working; an ended one goes", async () => {
    const jar = await login(t, user.name, user.password, codeRequest(web));
    clock.advance(8 * 3600 - 1);
    expect(await removed("login_sessions")).toBe(0);
    expect((await authorize(t, codeRequest(web), jar)).client_id).toBe(web.clientId);
    clock.advance(62);
    expect(await removed("login_sessions")).toBe(1);
  });

  test("an idempotent POST replays for its 24 hours across prunes, then its record goes", async () => {
    const post = () =>
      t.call({
        method: "POST",
        url: "/api/v1/auth-scopes",
        headers: { "idempotency-key": "prune-test-key-0001" },
        payload: { name: "prune.read" },
      });
    expect((await post()).statusCode).toBe(201);
    clock.advance(24 * 3600 - 1);
    expect(await removed("idempotency_keys")).toBe(0);
    const replay = await post();
    expect(replay.statusCode).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    clock.advance(62);
    expect(await removed("idempotency_keys")).toBe(1);
  });

  test("audit events are never pruned, however old", async () => {
    await t.call({
      method: "POST",
      url: "/api/v1/integrations",
      payload: integrationBody({ name: "Audited" }),
    });
    const before = await t.store.db.query("SELECT * FROM audit_events ORDER BY id");
    clock.advance(10 * 365 * 86_400);
    await prune(t.store.db, clock);
    expect(await t.store.db.query("SELECT * FROM audit_events ORDER BY id")).toEqual(before);
  });
});
