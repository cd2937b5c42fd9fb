// Token-signing keys: the JWKS (/api/now/oauth/jwks and /oauth/jwks), rotation by the management
// API, the schedule and the CLI, retention of rotated-out keys and their removal, and that no private
// key material (`d`) leaves the server. Time is an injected clock that the tests move; nothing sleeps.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, SignJWT } from "jose";
import { SigningKeySchema } from "../../../src/contract";
import type { Clock } from "../../../src/domain/clock";
import {
  KeyEncryptionKey,
  rotateIfDue,
  SigningKeys,
  scheduleKeyRotation,
} from "../../../src/domain/oauth/keys";
import { openDatabase } from "../../../src/storage/open";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const DAY_MS = 86_400_000;
const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const JWKS_PATHS = ["/api/now/oauth/jwks", "/oauth/jwks"];

describe.each(DATABASES)("signing keys on %s", (kind) => {
  let current: Date;
  const clock: Clock = { now: () => current };
  const advance = (ms: number) => {
    current = new Date(current.getTime() + ms);
  };
  let t: TestApp;
  let keys: SigningKeys;
  /** One key-encryption key for every store over the test database, as processes would share it. */
  const kek = KeyEncryptionKey.ephemeral();

  const start = async (retentionDays = 105) => {
    t = await startTestApp(kind, {
      clock,
      keys: (db, c) => {
        keys = new SigningKeys(db, c, { retentionDays, kek });
        return keys;
      },
    });
  };

  beforeEach(() => {
    current = new Date(T0);
  });
  afterEach(async () => t?.close());

  const jwks = async (path = JWKS_PATHS[0]!): Promise<JSONWebKeySet> => {
    const res = await t.call({ method: "GET", url: path, as: null });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const rotate = async (as: "admin" | "viewer" = "admin") =>
    t.call({ method: "POST", url: "/api/v1/keys/rotate", as });

  /** A JWT signed with the key active() hands out. */
  const sign = async (subject: string) => {
    const active = await keys.active();
    const token = await new SignJWT({ sub: subject })
      .setProtectedHeader({ alg: "ES256", kid: active.kid, typ: "JWT" })
      .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
      .sign(active.privateKey);
    return { token, kid: active.kid };
  };
  const verifies = async (token: string, set: JSONWebKeySet) => {
    try {
      await jwtVerify(token, createLocalJWKSet(set), { algorithms: ["ES256"] });
      return true;
    } catch {
      return false;
    }
  };

  test("at first the JWKS serves exactly one public P-256 key, with cache headers, on both paths", async () => {
    await start();
    const bodies: JSONWebKeySet[] = [];
    for (const path of JWKS_PATHS) {
      const res = await t.call({ method: "GET", url: path, as: null });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["cache-control"]).toBe("public, max-age=300");
      bodies.push(res.json());
    }
    expect(bodies[1]).toEqual(bodies[0]);
    const set = bodies[0]!;
    expect(set.keys).toHaveLength(1);
    const [key] = set.keys;
    expect(Object.keys(key!).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(key!.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key!.y).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toHaveProperty("d");
    expect((await keys.active()).kid).toBe(key!.kid);
  });

  test("a token signed by the active key verifies against the JWKS before and after a rotation", async () => {
    await start();
    const before = await sign("before");
    expect(await verifies(before.token, await jwks())).toBe(true);

    const res = await rotate();
    expect(res.statusCode).toBe(201);
    const rotated = SigningKeySchema.parse(res.json());
    expect(rotated).toMatchObject({ status: "active", alg: "ES256", retiredAt: null, removeAfter: null });
    expect(rotated.kid).not.toBe(before.kid);

    const set = await jwks();
    expect(set.keys.map((k) => k.kid)).toEqual([rotated.kid, before.kid]);
    const after = await sign("after");
    expect(after.kid).toBe(rotated.kid);
    expect(await verifies(before.token, set)).toBe(true);
    expect(await verifies(after.token, set)).toBe(true);
    expect(await keys.verificationKey(before.kid)).toBeDefined();
    expect(await keys.verificationKey(after.kid)).toBeDefined();
  });

  test("POST /api/v1/keys/rotate: viewer → 403 and nothing changes; admin → 201, audited", async () => {
    await start();
    const first = (await keys.active()).kid;
    const refused = await rotate("viewer");
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("FORBIDDEN");
    expect((await keys.active()).kid).toBe(first);

    const res = await rotate("admin");
    expect(res.statusCode).toBe(201);
    const kid = res.json().kid;

    const listed = await t.call({ method: "GET", url: "/api/v1/keys", as: "viewer" });
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items.map((item: unknown) => SigningKeySchema.parse(item));
    expect(items.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [kid, "active"],
      [first, "retired"],
    ]);

    const audit = await t.call({ method: "GET", url: "/api/v1/audit?recordKind=signingKey", as: "viewer" });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().items).toEqual([
      expect.objectContaining({
        actor: "test-admin",
        action: "rotateKey",
        recordKind: "signingKey",
        recordId: kid,
        at: new Date(T0).toISOString(),
        changes: [{ field: "kid", before: first, after: kid }],
      }),
    ]);
    const byId = await t.call({ method: "GET", url: `/api/v1/audit?recordId=${kid}` });
    expect(byId.json().items).toHaveLength(1);
  });

  test("rotating twice keeps three published keys; retired ones carry their removal time", async () => {
    await start();
    const first = (await keys.active()).kid;
    const second = (await rotate()).json().kid;
    advance(DAY_MS);
    const third = (await rotate()).json().kid;
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([third, second, first]);

    const items = (await t.call({ method: "GET", url: "/api/v1/keys" })).json().items;
    expect(items).toEqual([
      expect.objectContaining({ kid: third, status: "active", retiredAt: null, removeAfter: null }),
      expect.objectContaining({
        kid: second,
        status: "retired",
        retiredAt: new Date(T0 + DAY_MS).toISOString(),
        removeAfter: new Date(T0 + DAY_MS + 105 * DAY_MS).toISOString(),
      }),
      expect.objectContaining({
        kid: first,
        status: "retired",
        retiredAt: new Date(T0).toISOString(),
        removeAfter: new Date(T0 + 105 * DAY_MS).toISOString(),
      }),
    ]);
  });

  test("after 105 days a retired key leaves the JWKS and is deleted; its tokens stop verifying", async () => {
    await start();
    const old = await sign("old");
    expect((await rotate()).statusCode).toBe(201);
    const fresh = await sign("fresh");

    advance(105 * DAY_MS - 60_000);
    expect(await keys.prune()).toBe(0);
    let set = await jwks();
    expect(set.keys.map((k) => k.kid)).toEqual([fresh.kid, old.kid]);
    expect(await verifies(old.token, set)).toBe(true);

    advance(2 * 60_000);
    // The JWKS stops serving it by the clock alone, before any prune.
    set = await jwks();
    expect(set.keys.map((k) => k.kid)).toEqual([fresh.kid]);
    expect(await keys.verificationKey(old.kid)).toBeUndefined();
    await keys.prune();
    const rows = await t.store.db.query<{ kid: string }>("SELECT kid FROM signing_keys");
    expect(rows.map((row) => row.kid)).toEqual([fresh.kid]);

    set = await jwks();
    expect(set.keys.map((k) => k.kid)).toEqual([fresh.kid]);
    expect(await verifies(old.token, set)).toBe(false);
    expect(await verifies(fresh.token, set)).toBe(true);
    expect(await keys.verificationKey(fresh.kid)).toBeDefined();
  });

  test("the retention period is configurable (1 day)", async () => {
    await start(1);
    const old = (await keys.active()).kid;
    const res = await rotate();
    expect(res.json().kid).not.toBe(old);
    const retired = (await keys.list()).find((k) => k.kid === old);
    expect(retired?.removeAfter).toBe(new Date(T0 + DAY_MS).toISOString());

    advance(DAY_MS - 1000);
    expect((await jwks()).keys.map((k) => k.kid)).toContain(old);
    advance(2000);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(old);
    expect(await keys.prune()).toBe(1);
    expect((await keys.list()).map((k) => k.kid)).toEqual([res.json().kid]);
  });

  test("rotateIfDue rotates only once the active key is older than rotationDays", async () => {
    await start();
    const first = (await keys.active()).kid;
    expect(await rotateIfDue(keys, 30)).toBe(false);
    advance(30 * DAY_MS - 1000);
    expect(await rotateIfDue(keys, 30)).toBe(false);
    expect((await keys.active()).kid).toBe(first);

    advance(2000);
    expect(await rotateIfDue(keys, 30)).toBe(true);
    const second = (await keys.active()).kid;
    expect(second).not.toBe(first);
    expect(await rotateIfDue(keys, 30)).toBe(false);

    const audit = (await t.call({ method: "GET", url: "/api/v1/audit?actor=schedule" })).json();
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: "rotateKey",
        recordId: second,
        changes: [{ field: "kid", before: first, after: second }],
      }),
    ]);

    // Two checks at once (two server processes) rotate once.
    advance(31 * DAY_MS);
    const other = new SigningKeys(t.store.db, clock, { retentionDays: 105, kek });
    const results = await Promise.all([rotateIfDue(keys, 30), rotateIfDue(other, 30)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await keys.list()).toHaveLength(3);

    // rotateIfDue prunes too.
    advance(106 * DAY_MS);
    await rotateIfDue(keys, 365);
    expect((await keys.list()).map((k) => k.status)).toEqual(["active"]);
  });

  test("scheduleKeyRotation checks at once, logs the rotation, and can be cancelled", async () => {
    await start();
    const first = (await keys.active()).kid;
    advance(8 * DAY_MS);
    const logged = new Promise<Record<string, unknown>>((done, fail) => {
      const cancel = scheduleKeyRotation(keys, {
        rotationDays: 7,
        log: {
          info: (obj) => {
            cancel();
            done(obj as Record<string, unknown>);
          },
          error: (obj) => {
            cancel();
            fail(new Error(`schedule failed: ${JSON.stringify(obj)}`));
          },
        },
      });
    });
    const obj = await logged;
    const active = (await keys.active()).kid;
    expect(active).not.toBe(first);
    expect(obj).toMatchObject({ kid: active, rotationDays: 7 });
  });

  test("another process's rotation is seen within 5 seconds, and at once for a token's unknown kid", async () => {
    await start();
    const first = (await keys.active()).kid;
    const otherProcess = new SigningKeys(t.store.db, clock, { retentionDays: 105, kek });
    const rotated = await otherProcess.rotate("other-process");

    expect((await keys.active()).kid).toBe(first); // cached
    advance(1000);
    expect(await keys.verificationKey(rotated.kid)).toBeDefined(); // an unknown kid re-reads
    advance(5000);
    expect((await keys.active()).kid).toBe(rotated.kid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([rotated.kid, first]);
    expect(await keys.verificationKey("01a20000-0000-7000-8000-000000000000")).toBeUndefined();
  });

  test("concurrent first use and concurrent rotations leave exactly one active key", async () => {
    await start();
    const stores = Array.from(
      { length: 4 },
      () => new SigningKeys(t.store.db, clock, { retentionDays: 105, kek }),
    );
    await Promise.all(stores.map((s) => s.ensureActive()));
    const active = await t.store.db.query("SELECT kid FROM signing_keys WHERE status = 'active'");
    expect(active).toHaveLength(1);

    const rotations = await Promise.all(stores.map((s, i) => s.rotate(`rotator-${i}`)));
    expect(new Set(rotations.map((k) => k.kid)).size).toBe(4);
    const rows = await t.store.db.query<{ status: string }>("SELECT status FROM signing_keys");
    expect(rows.filter((row) => row.status === "active")).toHaveLength(1);
    expect(rows).toHaveLength(5);
    // The audit trail is a chain: each rotation retired the key the previous one made.
    const events = (await t.call({ method: "GET", url: "/api/v1/audit?recordKind=signingKey" })).json().items;
    expect(events).toHaveLength(4);
    const befores = new Set(events.map((e: { changes: { before: string }[] }) => e.changes[0]!.before));
    expect(befores.size).toBe(4);
  });

  test("no response, log column or audit event holds a private key; only private_jwk does, sealed", async () => {
    await start();
    const responses: string[] = [];
    responses.push((await t.call({ method: "GET", url: JWKS_PATHS[0]!, as: null })).body);
    responses.push((await rotate()).body);
    responses.push((await rotate()).body);
    responses.push((await t.call({ method: "GET", url: "/api/v1/keys" })).body);
    for (const path of JWKS_PATHS)
      responses.push((await t.call({ method: "GET", url: path, as: null })).body);
    responses.push((await t.call({ method: "GET", url: "/api/v1/audit" })).body);
    responses.push((await t.call({ method: "GET", url: "/api/v1/openapi.json" })).body);

    const rows = await t.store.db.query<Record<string, unknown> & { private_jwk: string }>(
      "SELECT * FROM signing_keys",
    );
    expect(rows).toHaveLength(3);
    const secrets = rows.map((row) => {
      expect(row.private_jwk).toMatch(/^ioa-kek1\./);
      const jwk = JSON.parse(kek.open(row.kid as string, row.private_jwk));
      expect(jwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
      return jwk.d as string;
    });
    const { private_jwk: _private, ...firstRow } = rows[0]!;
    expect(Object.keys(firstRow).sort()).toEqual(
      ["alg", "created_at", "kid", "public_jwk", "remove_after", "retired_at", "status"].sort(),
    );
    const elsewhere = [
      ...responses,
      JSON.stringify(rows),
      JSON.stringify(rows.map(({ private_jwk: _p, ...rest }) => rest)),
      JSON.stringify(await t.store.db.query("SELECT * FROM audit_events")),
      JSON.stringify(await keys.list()),
      JSON.stringify(await keys.jwks()),
      JSON.stringify(await keys.active()),
    ].join("\n");
    for (const d of secrets) expect(elsewhere).not.toContain(d);
    expect(elsewhere).not.toMatch(/"d"\s*:/);
  });
});

describe("inbound-oauth keys (the built CLI)", () => {
  const ROOT = resolve(__dirname, "../../../..");
  const CLI = join(ROOT, "dist/server/src/cli.js");
  let dir: string;
  let database: string;

  beforeAll(() => {
    if (!existsSync(CLI) || !existsSync(join(ROOT, "dist/server/src/cli/keys.js"))) {
      throw new Error(
        `${CLI} (with the keys command) is missing: build it first with \`tsc -p tsconfig.build.json\``,
      );
    }
    dir = mkdtempSync(join(tmpdir(), "inbound-oauth-keys-cli-"));
    database = join(dir, "cli.db");
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, "keys", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "", INBOUND_OAUTH_KEY_ENCRYPTION_KEY_FILE: join(dir, "kek") },
      timeout: 20_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test("keys rotate prints the new kid; keys list shows kid, status, created and remove-after", async () => {
    const first = cli("rotate", "--database", database);
    expect(first.stderr).toContain("Rotated");
    expect(first.status).toBe(0);
    const firstKid = first.stdout.trim();
    expect(firstKid).toMatch(UUID);

    const second = cli("rotate", "--database", database, "--key-retention-days", "1");
    expect(second.status).toBe(0);
    const secondKid = second.stdout.trim();
    expect(secondKid).toMatch(UUID);
    expect(secondKid).not.toBe(firstKid);

    const list = cli("list", "--database", database);
    expect(list.status).toBe(0);
    const lines = list.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual([secondKid, "active", expect.any(String), "-"]);
    expect(lines[1]).toEqual([firstKid, "retired", expect.any(String), expect.any(String)]);
    const created = Date.parse(lines[1]![2]!);
    const removeAfter = Date.parse(lines[1]![3]!);
    expect(removeAfter - created).toBeGreaterThanOrEqual(DAY_MS);
    expect(removeAfter - created).toBeLessThan(DAY_MS + 60_000);
    expect(list.stdout + first.stderr + second.stderr).not.toMatch(/"d"/);

    const db = openDatabase(database);
    try {
      const events = await db.query<{ actor: string; record_id: string }>(
        "SELECT actor, record_id FROM audit_events WHERE record_kind = 'signingKey' ORDER BY id",
      );
      expect(events).toEqual([
        { actor: "cli", record_id: firstKid },
        { actor: "cli", record_id: secondKid },
      ]);
    } finally {
      await db.close();
    }
  });

  test("bad usage exits 2 with a clear message", () => {
    const noAction = cli("frobnicate");
    expect(noAction.status).toBe(2);
    expect(noAction.stderr).toContain("keys needs rotate or list");
    const badRetention = cli("rotate", "--database", database, "--key-retention-days", "0");
    expect(badRetention.status).toBe(2);
    expect(badRetention.stderr).toContain("--key-retention-days must be a positive number");
  });
});
