// A soak in simulated time (the injected clock): one signed-in person's client starts a new grant
// every 20 s and refreshes each grant every 20 s for 100 s, then abandons it; the server prunes
// every simulated minute. Over 40 minutes (with tokens living 60 s, refresh tokens 300 s) the row
// counts stop growing: the last third never exceeds what the middle third reached.
import { prune } from "../../../src/domain/prune/run";
import {
  codeRequest,
  createIntegration,
  createUser,
  grantTokens,
  login,
  refresh,
  testClock,
} from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";
import { counts } from "./fixture";

const STEP_S = 20;
const MINUTES = 40;
const GRANT_LIFE_S = 100;

describe("soak in simulated time (sqlite)", () => {
  let t: TestApp;
  const clock = testClock();
  beforeAll(async () => {
    t = await startTestApp("sqlite", { clock });
  });
  afterAll(() => t.close());

  test("row counts level off under continuous issuing and refreshing", async () => {
    const web = await createIntegration(t, "Soak app", {
      accessTokenLifespan: 60,
      refreshTokenLifespan: 300,
    });
    const user = await createUser(t, "soaker");
    const jar = await login(t, user.name, user.password, codeRequest(web));
    const grants: { refreshToken: string; started: number }[] = [];
    const samples: { minute: number; rows: Record<string, number> }[] = [];
    for (let step = 0; step * STEP_S < MINUTES * 60; step++) {
      const now = step * STEP_S;
      grants.push({ refreshToken: (await grantTokens(t, web, jar)).refresh_token, started: now });
      for (const grant of grants.filter((g) => now - g.started <= GRANT_LIFE_S && g.started < now)) {
        const res = await refresh(t, web, grant.refreshToken);
        expect(res.statusCode).toBe(200);
        grant.refreshToken = res.json().refresh_token;
      }
      clock.advance(STEP_S);
      if ((now + STEP_S) % 60 === 0) {
        await prune(t.store.db, clock);
        samples.push({ minute: (now + STEP_S) / 60, rows: await counts(t.store.db) });
      }
    }
    const third = Math.floor(samples.length / 3);
    const peak = (part: typeof samples, table: string) => Math.max(...part.map((s) => s.rows[table]!));
    const figures: Record<string, string> = {};
    for (const table of ["authorization_codes", "oauth_tokens", "login_sessions"]) {
      const middle = peak(samples.slice(third, 2 * third), table);
      const last = peak(samples.slice(2 * third), table);
      figures[table] =
        `min 10: ${samples[9]!.rows[table]}, min 20: ${samples[19]!.rows[table]}, min 40: ${samples.at(-1)!.rows[table]}, peak middle ${middle}, peak last ${last}`;
      expect(last).toBeLessThanOrEqual(middle);
    }
    // Without pruning the tokens table would hold every token ever issued.
    const issued = grants.length * 2 + grants.length * (GRANT_LIFE_S / STEP_S) * 2;
    expect(samples.at(-1)!.rows.oauth_tokens!).toBeLessThan(issued / 4);
    process.stdout.write(
      `soak figures (rows after each prune; ${issued} tokens issued): ${JSON.stringify(figures, null, 1)}\n`,
    );
  }, 300_000);
});
