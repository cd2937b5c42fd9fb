// What pruning removes and what it keeps, table by table, over generated rows: any mix of expiry
// times (many right at the boundary), used or unused codes, rotated or revoked tokens, and batch
// sizes smaller than the backlog. The model below is the rule as the README states it.
import fc from "fast-check";
import { IDEMPOTENCY_TTL_MS } from "../../../src/domain/idempotency";
import { PRUNE_GRACE_MS, PRUNE_RULES } from "../../../src/domain/prune/rules";
import { prune } from "../../../src/domain/prune/run";
import { T0, testClock } from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import {
  clearPruned,
  insertCode,
  insertIdempotency,
  insertSession,
  insertToken,
  keys,
  type Owners,
  owners,
  PRUNED_TABLES,
} from "./fixture";

const DAY = 86_400_000;
const GRACE_EDGE = -PRUNE_GRACE_MS;
const IDEMPOTENCY_EDGE = -(IDEMPOTENCY_TTL_MS + PRUNE_GRACE_MS);

/** An offset from now in ms: anywhere within three days, or within 2 ms of the edge. */
const offset = (edge: number) =>
  fc.oneof(fc.integer({ min: -3 * DAY, max: 3 * DAY }), fc.integer({ min: edge - 2, max: edge + 2 }));

const scenario = fc.record({
  codes: fc.array(fc.record({ expires: offset(GRACE_EDGE), consumed: fc.boolean() }), { maxLength: 6 }),
  tokens: fc.array(
    fc.record({
      /** Index of the code the token came from (its family), or past the end for none. */
      code: fc.nat({ max: 7 }),
      kind: fc.constantFrom("access" as const, "refresh" as const),
      expires: offset(GRACE_EDGE),
      rotated: fc.boolean(),
      revoked: fc.boolean(),
    }),
    { maxLength: 10 },
  ),
  sessions: fc.array(offset(GRACE_EDGE), { maxLength: 5 }),
  idempotency: fc.array(offset(IDEMPOTENCY_EDGE), { maxLength: 5 }),
  batchSize: fc.integer({ min: 1, max: 4 }),
});

describe.each(DATABASES)("prune rules on %s", (kind) => {
  let t: TestApp;
  let o: Owners;
  const clock = testClock();

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await owners(t);
  });
  afterAll(() => t.close());

  test("rules cover exactly the short-lived tables: audit events and the registry are never pruned", () => {
    // rate_limits is covered by server/test/contract/rate-limits.test.ts.
    expect(PRUNE_RULES.map((rule) => rule.table)).toEqual([...PRUNED_TABLES, "rate_limits"]);
  });

  test("each table loses exactly its rows past their end plus the grace, and keeps every other", async () => {
    const now = T0;
    const auditBefore = await t.store.db.query("SELECT * FROM audit_events ORDER BY id");
    expect(auditBefore.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await clearPruned(t.store.db);
        const codeHash = (i: number) => `code-${i}`;
        for (const [i, code] of s.codes.entries())
          await insertCode(o, { hash: codeHash(i), expires: now + code.expires, consumed: code.consumed });
        const tokenIds: { id: string; expires: number; family: string }[] = [];
        for (const token of s.tokens) {
          const family = codeHash(token.code);
          const id = await insertToken(o, { ...token, family, expires: now + token.expires });
          tokenIds.push({ id, expires: token.expires, family });
        }
        for (const [i, expires] of s.sessions.entries())
          await insertSession(o, { hash: `session-${i}`, expires: now + expires });
        for (const [i, created] of s.idempotency.entries())
          await insertIdempotency(o, { token: "token", hash: `key-${i}`, created: now + created });

        const result = await prune(t.store.db, { now: () => new Date(now) }, { batchSize: s.batchSize });

        const kept = (end: number, edge: number) => end >= edge;
        const expected = {
          authorization_codes: s.codes
            .map((code, i) => ({ code, hash: codeHash(i) }))
            .filter(
              ({ code, hash }) =>
                kept(code.expires, GRACE_EDGE) ||
                tokenIds.some((token) => token.family === hash && kept(token.expires, GRACE_EDGE)),
            )
            .map(({ hash }) => hash),
          oauth_tokens: tokenIds.filter((token) => kept(token.expires, GRACE_EDGE)).map((token) => token.id),
          login_sessions: s.sessions.flatMap((e, i) => (kept(e, GRACE_EDGE) ? [`session-${i}`] : [])),
          idempotency_keys: s.idempotency.flatMap((c, i) => (kept(c, IDEMPOTENCY_EDGE) ? [`key-${i}`] : [])),
        };
        expect({
          authorization_codes: await keys(t.store.db, "authorization_codes", "code_hash"),
          oauth_tokens: await keys(t.store.db, "oauth_tokens", "id"),
          login_sessions: await keys(t.store.db, "login_sessions", "id_hash"),
          idempotency_keys: await keys(t.store.db, "idempotency_keys", "key_hash"),
        }).toEqual({
          authorization_codes: expected.authorization_codes.sort(),
          oauth_tokens: expected.oauth_tokens.sort(),
          login_sessions: expected.login_sessions.sort(),
          idempotency_keys: expected.idempotency_keys.sort(),
        });
        const inserted = {
          authorization_codes: s.codes.length,
          oauth_tokens: s.tokens.length,
          login_sessions: s.sessions.length,
          idempotency_keys: s.idempotency.length,
        };
        expect(result).toEqual([
          ...PRUNED_TABLES.map((table) => ({
            table,
            removed:
              inserted[table as keyof typeof inserted] - expected[table as keyof typeof expected].length,
          })),
          // No counters here (server/test/contract/rate-limits.test.ts prunes those).
          { table: "rate_limits", removed: 0 },
        ]);
      }),
      { numRuns: kind === "sqlite" ? 60 : 25 },
    );
    expect(await t.store.db.query("SELECT * FROM audit_events ORDER BY id")).toEqual(auditBefore);
  });

  test("a backlog many times the batch size is removed in one run, batch by batch", async () => {
    await clearPruned(t.store.db);
    for (let i = 0; i < 120; i++)
      await insertToken(o, {
        family: "f",
        kind: "access",
        expires: T0 - DAY,
        rotated: false,
        revoked: false,
      });
    await insertToken(o, {
      family: "f",
      kind: "refresh",
      expires: T0 + DAY,
      rotated: true,
      revoked: false,
    });
    const result = await prune(t.store.db, { now: () => new Date(T0) }, { batchSize: 7 });
    expect(result.find((r) => r.table === "oauth_tokens")?.removed).toBe(120);
    expect(await keys(t.store.db, "oauth_tokens", "kind")).toEqual(["refresh"]);
  });
});
