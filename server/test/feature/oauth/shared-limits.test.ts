// Issue 10 (2): the limits live in the database, so two server instances on one PostgreSQL share
// them, and a restart (a new app over the same SQLite file or PostgreSQL database) keeps them.
import { buildApp } from "../../../src/app";
import { LOGIN_LIMITS } from "../../../src/domain/oauth/throttle";
import type { Database } from "../../../src/storage/database";
import { PostgresDatabase } from "../../../src/storage/postgres";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import { loginAttempt, loginForm } from "../../helpers/attempts";
import { createUser, testClock } from "../../helpers/oauth-flow";
import { DATABASES, startTestApp } from "../../helpers/test-app";

jest.setTimeout(60_000);
const { perUser } = LOGIN_LIMITS;

const reopen = (kind: string, location: string): Database =>
  kind === "sqlite" ? new SqliteDatabase(location) : new PostgresDatabase(location);

test("two app instances on one PostgreSQL share the login limit", async () => {
  const clock = testClock();
  const a = await startTestApp("postgres", { clock });
  const db = reopen("postgres", a.store.location);
  const b = buildApp({ db, clock, logLevel: "silent" });
  try {
    const victim = await createUser(a, "shared-victim");
    const form = await loginForm(a);
    // The limit's guesses, alternating between the two instances, all concurrently.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        loginAttempt(i % 2 ? b : a.app, form, victim.name, `wrong ${i}`, "192.0.2.1"),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(perUser.attempts);
    // Spent on A, so refused on B, even with the right password.
    expect((await loginAttempt(b, form, victim.name, victim.password, "192.0.2.1")).statusCode).toBe(429);
  } finally {
    await b.close();
    await db.close();
    await a.close();
  }
});

test.each(DATABASES)("a restart keeps the login limit on %s", async (kind) => {
  const clock = testClock();
  const t = await startTestApp(kind, { clock });
  let db: Database | undefined;
  try {
    const victim = await createUser(t, "restart-victim");
    const form = await loginForm(t);
    for (let i = 0; i < perUser.attempts; i++)
      expect((await loginAttempt(t.app, form, victim.name, `wrong ${i}`, "192.0.2.2")).statusCode).toBe(401);
    await t.app.close();
    await t.store.db.close();
    db = reopen(kind, t.store.location);
    const restarted = buildApp({ db, clock, logLevel: "silent" });
    try {
      const res = await loginAttempt(restarted, form, victim.name, victim.password, "192.0.2.2");
      expect(res.statusCode).toBe(429);
      expect(res.headers["retry-after"]).toBe(String(perUser.windowSeconds));
    } finally {
      await restarted.close();
    }
  } finally {
    await db?.close();
    await t.store.dispose();
  }
});
