// Issue 10 (1): concurrent guesses must not pass the login limit. Each attempt is reserved in the
// database before the password is hashed, so of any burst at most 5 guesses per user name and 20
// per address are evaluated in 15 minutes, whatever the concurrency — counted at the password check
// itself and in the answers (401 evaluated, 429 refused unevaluated).
import fc from "fast-check";
import { LOGIN_LIMITS } from "../../../src/domain/oauth/throttle";
import {
  CountingPasswordCheck,
  eventually,
  loginAttempt,
  loginForm,
  settledCount,
  signedIn,
  statusCounts,
} from "../../helpers/attempts";
import { countRows, createUser, testClock } from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const { perUser, perAddress } = LOGIN_LIMITS;
let nextAddress = 1;
/** A client address no other test has used. */
const freshAddress = () => {
  const n = nextAddress++;
  return `198.51.${n >> 8}.${n & 255}`;
};

// scrypt runs (up to 20 per test) are slow on a shared machine.
jest.setTimeout(60_000);

describe.each(DATABASES)("the login limit under concurrent guesses on %s", (kind) => {
  const clock = testClock();
  const hash = new CountingPasswordCheck();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock, verifyPassword: hash.check });
  });
  afterAll(async () => t.close());
  afterEach(() => {
    hash.release();
    hash.reset();
  });

  test("a 100-way concurrent burst of wrong passwords for one user: at most 5 are evaluated", async () => {
    const victim = await createUser(t, "burst-victim");
    const form = await loginForm(t);
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => loginAttempt(t.app, form, victim.name, `wrong ${i}`, address)),
    );
    const counts = statusCounts(answers);
    console.info(`[${kind}] per user: ${hash.evaluated} of 100 evaluated`, counts);
    expect(hash.evaluated).toBe(perUser.attempts);
    expect(counts).toEqual({ 401: perUser.attempts, 429: 100 - perUser.attempts });
    for (const res of answers.filter((r) => r.statusCode === 429))
      expect(Number(res.headers["retry-after"])).toBe(perUser.windowSeconds);
  });

  test("a 100-way concurrent burst from one address over 100 user names: at most 20 are evaluated", async () => {
    const form = await loginForm(t);
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => loginAttempt(t.app, form, `nobody-${i}`, "guess", address)),
    );
    const counts = statusCounts(answers);
    console.info(`[${kind}] per address: ${hash.evaluated} of 100 evaluated`, counts);
    expect(hash.evaluated).toBe(perAddress.attempts);
    expect(counts).toEqual({ 401: perAddress.attempts, 429: 100 - perAddress.attempts });
    // Another address is not held back.
    const other = await loginAttempt(t.app, form, "nobody-0", "guess", freshAddress());
    expect(other.statusCode).toBe(401);
  });

  test("the right password sent inside a burst, once the limit is spent, does not sign in", async () => {
    const victim = await createUser(t, "burst-target");
    const form = await loginForm(t);
    const address = freshAddress();
    const sessions = await countRows(t, "login_sessions");
    hash.hold(); // every evaluation waits: the burst is still in flight when the right one comes
    try {
      const burst = Array.from({ length: 100 }, (_, i) =>
        loginAttempt(t.app, form, victim.name, `wrong ${i}`, address),
      );
      const settled = settledCount(burst);
      // Every guess of the burst is either being evaluated or answered.
      await eventually(() => hash.evaluated + settled() === 100, "the burst has been received");
      const right = loginAttempt(t.app, form, victim.name, victim.password, address);
      const rightSettled = settledCount([right]);
      await eventually(
        () => hash.evaluated + settled() + rightSettled() === 101,
        "the right one is received",
      );
      hash.release();
      const answer = await right;
      await Promise.all(burst);
      expect(answer.statusCode).toBe(429);
      expect(signedIn(answer)).toBe(false);
      expect(hash.evaluated).toBe(perUser.attempts);
      expect(await countRows(t, "login_sessions")).toBe(sessions);
    } finally {
      hash.release();
    }
  });

  test("for any concurrent mix of guesses from one address, each user name gets min(5, sent) evaluations and the address at most 20", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60, size: "max" }),
        async (users) => {
          const form = await loginForm(t);
          const address = freshAddress();
          const prefix = address.replace(/\./g, "-");
          hash.reset();
          hash.quick = true; // only the counting matters here, not scrypt's answer
          // Every evaluation is held until the whole burst has arrived: truly concurrent guesses.
          hash.hold();
          const burst = users.map((u) => loginAttempt(t.app, form, `${prefix}-user-${u}`, "guess", address));
          const settled = settledCount(burst);
          await eventually(() => hash.evaluated + settled() === users.length, "the burst has arrived");
          hash.release();
          const answers = await Promise.all(burst);
          const sent = new Map<number, number>();
          for (const u of users) sent.set(u, (sent.get(u) ?? 0) + 1);
          const evaluated = answers.filter((r) => r.statusCode === 401).length;
          const expected = Math.min(
            perAddress.attempts,
            [...sent.values()].reduce((sum, n) => sum + Math.min(perUser.attempts, n), 0),
          );
          expect(hash.evaluated).toBe(expected);
          expect(evaluated).toBe(expected);
          expect(evaluated + answers.filter((r) => r.statusCode === 429).length).toBe(users.length);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});
