import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { systemClock } from "../../../src/domain/clock";
import { seedDemoUser } from "../../../src/domain/kinds/demo-user";
import { authenticateUser, findUser } from "../../../src/domain/kinds/user-login";
import { Registry } from "../../../src/domain/registry";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const PASSWORD = "first-password-123";

describe.each(DATABASES)("users on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>) =>
    t.call({ method: "POST", url: "/api/v1/users", payload: body });
  const replace = (id: string, version: number, body: Record<string, unknown>) =>
    t.call({
      method: "PUT",
      url: `/api/v1/users/${id}`,
      headers: { "if-match": `"${version}"` },
      payload: body,
    });
  const login = (name: string, password: string) => authenticateUser(t.store.db, name, password);

  /** Every way a response could leak the password: the field, the text, or an scrypt hash. */
  const expectNoPassword = (text: string, password: string) => {
    expect(text).not.toContain(password);
    expect(text).not.toContain("scrypt$");
    expect(text).not.toMatch(/"password"\s*:/);
    expect(text).not.toMatch(/"hash"\s*:/);
  };

  test("admin creates a user: 201 with Location under /api/v1, ETag, defaults, and never the password", async () => {
    const res = await create({ name: "alice", password: PASSWORD, roles: ["user", "itil"] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v1/users/${body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(body).toEqual({
      id: body.id,
      name: "alice",
      roles: ["user", "itil"],
      active: true,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expectNoPassword(res.body, PASSWORD);

    const one = await t.call({ method: "GET", url: res.headers.location as string });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(body);
    expectNoPassword(one.body, PASSWORD);

    const list = await t.call({ method: "GET", url: "/api/v1/users?name=alice" });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([body]);
    expectNoPassword(list.body, PASSWORD);

    expect(await login("alice", PASSWORD)).toEqual({ id: body.id, name: "alice", roles: ["user", "itil"] });
    expect(await findUser(t.store.db, body.id)).toEqual({
      id: body.id,
      name: "alice",
      roles: ["user", "itil"],
      active: true,
    });
  });

  test.each(["viewer", "oauth_admin", "mi_admin"] as const)(
    "%s may neither read nor write users → 403 FORBIDDEN, and nothing is created",
    async (role) => {
      const read = await t.call({ method: "GET", url: "/api/v1/users", as: role });
      expect(read.statusCode).toBe(403);
      expect(read.headers["content-type"]).toContain("application/problem+json");
      expect(read.json().code).toBe("FORBIDDEN");
      expect(read.json().detail).toContain("admin");

      const existing = (await create({ name: `target-of-${role}`, password: PASSWORD })).json();
      const readOne = await t.call({ method: "GET", url: `/api/v1/users/${existing.id}`, as: role });
      expect(readOne.statusCode).toBe(403);

      const write = await t.call({
        method: "POST",
        url: "/api/v1/users",
        payload: { name: `by-${role}`, password: PASSWORD },
        as: role,
      });
      expect(write.statusCode).toBe(403);
      expect(write.json().code).toBe("FORBIDDEN");
      const put = await t.call({
        method: "PUT",
        url: `/api/v1/users/${existing.id}`,
        headers: { "if-match": '"1"' },
        payload: { name: existing.name, password: "taken-over-password", roles: ["admin"] },
        as: role,
      });
      expect(put.statusCode).toBe(403);
      const del = await t.call({ method: "DELETE", url: `/api/v1/users/${existing.id}`, as: role });
      expect(del.statusCode).toBe(403);

      const names = (await t.call({ method: "GET", url: "/api/v1/users?limit=200" })).json().items;
      expect(names.map((u: { name: string }) => u.name)).not.toContain(`by-${role}`);
      expect(await login(existing.name, PASSWORD)).toBeDefined();
      expect(await login(existing.name, "taken-over-password")).toBeUndefined();
    },
  );

  test("the admin check for reads names the role needed", async () => {
    const res = await t.call({ method: "GET", url: "/api/v1/users", as: "oauth_admin" });
    expect(res.json().detail).toMatch(/only with a token that has the admin role/);
  });

  test("create without a password → 400 VALIDATION_FAILED naming password; nothing is created", async () => {
    const res = await create({ name: "no-password", roles: ["user"] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path: "password", message: "is required when creating a user" }],
    });
    const list = await t.call({ method: "GET", url: "/api/v1/users?name=no-password" });
    expect(list.json().items).toEqual([]);
  });

  test("a password shorter than 12 characters → 400 naming password, without echoing it", async () => {
    const res = await create({ name: "short-password", password: "short-pw" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: "password", message: "must be at least 12 characters" }]);
    expect(res.body).not.toContain("short-pw");
  });

  test("a duplicate name → 409 NAME_TAKEN with the existing id", async () => {
    const first = (await create({ name: "dup-user", password: PASSWORD })).json();
    const res = await create({ name: "dup-user", password: "another-password-1" });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "NAME_TAKEN", existingId: first.id });
    expect(await login("dup-user", PASSWORD)).toBeDefined();
    expect(await login("dup-user", "another-password-1")).toBeUndefined();
  });

  test("PUT without a password keeps the current one; the roles change", async () => {
    const created = (await create({ name: "keeper", password: PASSWORD, roles: ["user"] })).json();
    const res = await replace(created.id, 1, { name: "keeper", roles: ["user", "itil"] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ roles: ["user", "itil"], active: true, version: 2 });
    expect(await login("keeper", PASSWORD)).toEqual({
      id: created.id,
      name: "keeper",
      roles: ["user", "itil"],
    });

    const audit = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${created.id}` })).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(["create", "update"]);
    expect(audit[1].changes).toEqual([{ field: "roles", before: ["user"], after: ["user", "itil"] }]);
  });

  test("PUT with a password changes it: the old one fails, the new one works, the audit says only that it changed", async () => {
    const created = (await create({ name: "changer", password: PASSWORD })).json();
    const newPassword = "second-password-456";
    const res = await replace(created.id, 1, { name: "changer", password: newPassword });
    expect(res.statusCode).toBe(200);
    expectNoPassword(res.body, newPassword);
    expect(await login("changer", PASSWORD)).toBeUndefined();
    expect(await login("changer", newPassword)).toMatchObject({ id: created.id });

    const audit = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${created.id}` })).json().items;
    expect(audit[0].changes).toContainEqual({ field: "password", secret: true });
    expect(audit[1].changes).toEqual([{ field: "password", secret: true }]);
    expectNoPassword(JSON.stringify(audit), newPassword);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  test("PUT with the current password again is not a change of password", async () => {
    const created = (await create({ name: "reapplied", password: PASSWORD })).json();
    const res = await replace(created.id, 1, { name: "reapplied", password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const audit = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${created.id}` })).json().items;
    expect(audit[1].changes).toEqual([]);
    expect(await login("reapplied", PASSWORD)).toBeDefined();
  });

  test("an inactive user cannot authenticate; reactivated, it can", async () => {
    const created = (await create({ name: "sleeper", password: PASSWORD, active: false })).json();
    expect(created.active).toBe(false);
    expect(await login("sleeper", PASSWORD)).toBeUndefined();
    expect((await findUser(t.store.db, created.id))?.active).toBe(false);
    await replace(created.id, 1, { name: "sleeper", active: true });
    expect(await login("sleeper", PASSWORD)).toBeDefined();
  });

  test("unknown names and wrong passwords are refused alike", async () => {
    await create({ name: "bob", password: PASSWORD });
    expect(await login("nobody-here", PASSWORD)).toBeUndefined();
    expect(await login("bob", "wrong-password-0")).toBeUndefined();
    expect(await login("BOB", PASSWORD)).toBeUndefined();
    expect(await login("bob", PASSWORD)).toBeDefined();
  });

  test("DELETE → 204; the user and its password hash are gone", async () => {
    const created = (await create({ name: "leaver", password: PASSWORD })).json();
    const res = await t.call({ method: "DELETE", url: `/api/v1/users/${created.id}` });
    expect(res.statusCode).toBe(204);
    expect((await t.call({ method: "GET", url: `/api/v1/users/${created.id}` })).statusCode).toBe(404);
    expect(await login("leaver", PASSWORD)).toBeUndefined();
    expect(await findUser(t.store.db, created.id)).toBeUndefined();
    const rows = await t.store.db.query("SELECT user_id FROM user_passwords WHERE user_id = ?", [created.id]);
    expect(rows).toEqual([]);
  });

  test("the database holds only scrypt hashes: no password in users, user_passwords or audit_events", async () => {
    const password = "needle-password-789";
    const created = (
      await t.call({
        method: "POST",
        url: "/api/v1/users",
        headers: { "idempotency-key": "users-needle-0000000001" },
        payload: { name: "needle", password },
      })
    ).json();
    const hashes = await t.store.db.query<{ user_id: string; hash: string }>(
      "SELECT user_id, hash FROM user_passwords",
    );
    expect(hashes.length).toBeGreaterThan(0);
    for (const row of hashes)
      expect(row.hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    for (const table of ["users", "user_passwords", "audit_events", "idempotency_keys"]) {
      const dump = JSON.stringify(await t.store.db.query(`SELECT * FROM ${table}`));
      expect(dump).not.toContain(password);
      expect(dump).not.toContain(PASSWORD);
    }
    const documents = JSON.stringify(await t.store.db.query("SELECT * FROM users"));
    expect(documents).not.toContain("scrypt$");
    const audit = await t.store.db.query<{ changes: string }>(
      "SELECT changes FROM audit_events WHERE record_id = ?",
      [created.id],
    );
    expect(JSON.parse(audit[0]!.changes)).toContainEqual({ field: "password", secret: true });
    expect(audit[0]!.changes).not.toContain("scrypt$");
  });

  test("seedDemoUser creates demo / demo-password with the user role once, then returns false", async () => {
    const registry = new Registry(t.store.db, systemClock);
    expect(await seedDemoUser(registry)).toBe(true);
    expect(await login("demo", "demo-password")).toMatchObject({ name: "demo", roles: ["user"] });
    expect(await seedDemoUser(registry)).toBe(false);
    const list = (await t.call({ method: "GET", url: "/api/v1/users?name=demo" })).json().items;
    expect(list).toHaveLength(1);
    const audit = (await t.call({ method: "GET", url: `/api/v1/audit?recordId=${list[0].id}` })).json().items;
    expect(audit).toEqual([expect.objectContaining({ actor: "dev-mode", action: "create" })]);
  });
});

describe("the users CLI (built)", () => {
  const ROOT = resolve(__dirname, "../../../..");
  const CLI = join(ROOT, "dist/server/src/cli.js");
  let dir: string;
  let database: string;

  beforeAll(() => {
    if (!existsSync(CLI)) {
      throw new Error(
        `${CLI} is missing: build first with \`tsc -p tsconfig.build.json\` (or \`make build\`).`,
      );
    }
    for (const source of ["cli/users", "domain/kinds/users", "domain/kinds/user-login", "domain/passwords"]) {
      const built = join(ROOT, "dist/server/src", `${source}.js`);
      const src = join(ROOT, "server/src", `${source}.ts`);
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs) {
        throw new Error(
          `${built} is missing or older than its source: rebuild with \`tsc -p tsconfig.build.json\`.`,
        );
      }
    }
    dir = mkdtempSync(join(tmpdir(), "inbound-oauth-users-cli-"));
    database = join(dir, "cli.db");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], input = "") => {
    const result = spawnSync(process.execPath, [CLI, ...args, "--database", database], {
      cwd: ROOT,
      input,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 30_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  const withDb = async <T>(fn: (db: SqliteDatabase) => Promise<T>): Promise<T> => {
    const db = new SqliteDatabase(database);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  test("users add reads the password from stdin; list shows the user and roles; the login works", async () => {
    const added = run(
      ["users", "add", "alice", "--roles", "user,itil", "--password-stdin"],
      "alice-password-1\n",
    );
    expect(added.stderr).toContain('Created user "alice"');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe("");

    const listed = run(["users", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^alice\tuser,itil\tactive\t\S+\n$/);
    expect(listed.stdout + listed.stderr).not.toContain("alice-password-1");

    await withDb(async (db) => {
      expect(await authenticateUser(db, "alice", "alice-password-1")).toMatchObject({
        name: "alice",
        roles: ["user", "itil"],
      });
      // Exactly one trailing newline was stripped.
      expect(await authenticateUser(db, "alice", "alice-password-1\n")).toBeUndefined();
      const audit = await db.query<{ actor: string }>(
        "SELECT actor FROM audit_events WHERE record_kind = 'user'",
      );
      expect(audit).toEqual([{ actor: "cli" }]);
    });
  });

  test("without --password-stdin it refuses, explaining that passwords never go on the command line", () => {
    const res = run(["users", "add", "carol", "--roles", "user"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--password-stdin");
    expect(res.stderr).toContain("never from the command line");
  });

  test("invalid input is refused with the field errors, and nothing is created", () => {
    const short = run(["users", "add", "dave", "--password-stdin"], "too-short\n");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("password: must be at least 12 characters");
    expect(short.stderr).not.toContain("too-short");
    const badRole = run(["users", "add", "erin", "--roles", "User", "--password-stdin"], "erin-password-1\n");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("roles.0:");
    const badName = run(["users", "add", "frank smith", "--password-stdin"], "frank-password-1\n");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("NAME");
    const duplicate = run(["users", "add", "alice", "--password-stdin"], "other-password-1\n");
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain("already exists");
    expect(run(["users", "list"]).stdout.split("\n").filter(Boolean)).toHaveLength(1);
  });

  test("set-password changes the password; remove deletes the user", async () => {
    const set = run(["users", "set-password", "alice", "--password-stdin"], "alice-password-2\r\n");
    expect(set.code).toBe(0);
    await withDb(async (db) => {
      expect(await authenticateUser(db, "alice", "alice-password-1")).toBeUndefined();
      expect(await authenticateUser(db, "alice", "alice-password-2")).toMatchObject({
        roles: ["user", "itil"],
      });
    });
    expect(run(["users", "remove", "nobody"]).code).toBe(2);
    const removed = run(["users", "remove", "alice"]);
    expect(removed.code).toBe(0);
    expect(run(["users", "list"]).stdout).toBe("");
  });
});
