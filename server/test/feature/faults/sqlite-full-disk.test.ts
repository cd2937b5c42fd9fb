// The SQLite file lives on a small tmpfs that is then filled up: writes must be refused with 503
// and a clear message, nothing half-written, reads keep working, and the server recovers once
// space is freed. Mounting a tmpfs needs root, as CI runs; elsewhere the test fails saying so.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareDatabase } from "../../../src/bootstrap";
import { systemClock } from "../../../src/domain/clock";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import {
  type CookieJar,
  createIntegration,
  createUser,
  grantTokens,
  login,
  refresh,
} from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";

jest.setTimeout(60_000);

let mountPoint: string;
let t: TestApp;
let db: SqliteDatabase;

beforeAll(async () => {
  mountPoint = mkdtempSync(join(tmpdir(), "inbound-oauth-full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mountPoint]);
  } catch (error) {
    throw new Error(
      `This test mounts a small tmpfs to fill it, which needs root (CI runs as root): ${(error as Error).message}`,
    );
  }
  db = new SqliteDatabase(join(mountPoint, "registry.db"));
  await prepareDatabase(db, systemClock);
  t = await startTestApp("sqlite", { store: { db, location: db.path, dispose: () => db.close() } });
});

afterAll(async () => {
  await t?.close();
  try {
    execFileSync("umount", [mountPoint]);
  } finally {
    rmSync(mountPoint, { recursive: true, force: true });
  }
});

/** Fills the file system to its last byte with one file; returns its path. */
function fillDisk(): string {
  const filler = join(mountPoint, "filler");
  const fd = openSync(filler, "a");
  try {
    // Append in halving steps until not even one byte more fits.
    for (let step = 8 * 1024 * 1024; step >= 1; step = Math.floor(step / 2)) {
      const bytes = Buffer.alloc(step, 1);
      for (;;) {
        try {
          writeSync(fd, bytes);
        } catch {
          break; // ENOSPC: try a smaller step
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

async function count(table: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

test("on a full disk, writes and grants are refused with 503 STORAGE_FULL, nothing is half-written, reads work, and writes work again once space is freed", async () => {
  const user = await createUser(t, "disk-user");
  const client = await createIntegration(t, "Disk app");
  const jar: CookieJar = await login(t, user.name, user.password);
  const tokens = await grantTokens(t, client, jar);
  for (let i = 0; i < 5; i++) {
    const res = await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name: `kept-${i}` } });
    expect(res.statusCode).toBe(201);
  }
  const before = { scopes: await count("auth_scopes"), audit: await count("audit_events") };

  const filler = fillDisk();
  const statuses: number[] = [];
  let refused: { status: number; type: string; body: Record<string, unknown> } | undefined;
  // The WAL may hold some free pages, so a few writes can still fit: write until one is refused.
  for (let i = 0; i < 200 && !refused; i++) {
    const res = await t.call({
      method: "POST",
      url: "/api/v1/auth-scopes",
      payload: { name: `full-${i}`, description: "x".repeat(500) },
    });
    statuses.push(res.statusCode);
    if (res.statusCode !== 201)
      refused = { status: res.statusCode, type: String(res.headers["content-type"]), body: res.json() };
  }
  expect(refused).toBeDefined();
  expect(refused!.status).toBe(503);
  expect(refused!.type).toMatch(/^application\/problem\+json/);
  expect(refused!.body.code).toBe("STORAGE_FULL");
  expect(String(refused!.body.detail)).toMatch(/disk/);
  expect(JSON.stringify(refused!.body)).not.toMatch(/SQLITE|registry\.db|at .*\.ts/);
  for (const status of statuses) expect([201, 503]).toContain(status);

  // A grant needs a write too. As above, one may still fit (the checkpointer's thread may have
  // copied the log into the file meanwhile, so the log starts again over its own space): refresh,
  // rotating, until one is refused.
  let refreshToken = tokens.refresh_token;
  let refusedGrant: { statusCode: number; json: () => Record<string, unknown> } | undefined;
  for (let i = 0; i < 200 && !refusedGrant; i++) {
    const grant = await refresh(t, client, refreshToken);
    expect([200, 503]).toContain(grant.statusCode);
    if (grant.statusCode === 200) refreshToken = grant.json().refresh_token;
    else refusedGrant = grant;
  }
  expect(refusedGrant?.statusCode).toBe(503);
  expect(refusedGrant!.json().error).toBe("temporarily_unavailable");

  // Reads keep working; every acknowledged write is there with its audit event, no refused one.
  const list = await t.call({ method: "GET", url: "/api/v1/auth-scopes?limit=200" });
  expect(list.statusCode).toBe(200);
  const acknowledged = statuses.filter((status) => status === 201).length;
  expect(await count("auth_scopes")).toBe(before.scopes + acknowledged);
  expect(await count("audit_events")).toBe(before.audit + acknowledged);
  const integrity = await db.query<{ integrity_check: string }>("PRAGMA integrity_check");
  expect(integrity[0]!.integrity_check).toBe("ok");

  rmSync(filler);
  const again = await t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name: "after-free" } });
  expect(again.statusCode).toBe(201);
  expect((await refresh(t, client, refreshToken)).statusCode).toBe(200);
});
