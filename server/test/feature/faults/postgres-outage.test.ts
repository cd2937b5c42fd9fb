// The PostgreSQL server stops while the app serves reads, writes and token grants, then starts
// again; and connections are killed in the middle of transactions. The database runs in a cluster
// of this file's own (the tier's shared cluster must keep running for the other suites).
import { Client } from "pg";
import { prepareDatabase } from "../../../src/bootstrap";
import { systemClock } from "../../../src/domain/clock";
import { PostgresDatabase } from "../../../src/storage/postgres";
import {
  type CookieJar,
  createIntegration,
  createUser,
  grantTokens,
  login,
  refresh,
  type TestClient,
} from "../../helpers/oauth-flow";
import {
  startCluster,
  startServer,
  stopCluster,
  stopServer,
  type TestPostgresCluster,
} from "../../helpers/postgres-global-setup";
import { startTestApp, type TestApp } from "../../helpers/test-app";

jest.setTimeout(120_000);

let cluster: TestPostgresCluster;
let t: TestApp;
let client: TestClient;
let jar: CookieJar;

beforeAll(async () => {
  cluster = await startCluster();
  const db = new PostgresDatabase(cluster.url, { maxConnections: 10 });
  await prepareDatabase(db, systemClock);
  t = await startTestApp("postgres", {
    store: { db, location: cluster.url, dispose: () => db.close() },
  });
  const user = await createUser(t, "outage-user");
  client = await createIntegration(t, "Outage app");
  jar = await login(t, user.name, user.password);
});

afterAll(async () => {
  await t?.close();
  if (cluster) await stopCluster(cluster);
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

const createScope = (name: string) =>
  t.call({ method: "POST", url: "/api/v1/auth-scopes", payload: { name } });

async function scopeNames(): Promise<Set<string>> {
  const res = await t.call({ method: "GET", url: "/api/v1/auth-scopes?limit=200" });
  expect(res.statusCode).toBe(200);
  return new Set((res.json().items as { name: string }[]).map((scope) => scope.name));
}

/** Polls until fn succeeds; returns how long it took. */
async function waitUntil(fn: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (await fn()) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not recovered within ${limitMs} ms`);
}

test("while PostgreSQL is down, reads, writes and grants fail fast with 503 and /readyz is not ready; all works again within seconds, no acknowledged write lost", async () => {
  const acknowledged: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await createScope(`before-${i}`);
    expect(res.statusCode).toBe(201);
    acknowledged.push(`before-${i}`);
  }
  const tokens = await grantTokens(t, client, jar);

  await stopServer(cluster, "fast");
  try {
    const requests = {
      read: () => t.call({ method: "GET", url: "/api/v1/integrations" }),
      write: () => createScope("during-outage"),
      grant: () => refresh(t, client, tokens.refresh_token),
      readyz: () => t.call({ method: "GET", url: "/readyz", as: null }),
    };
    for (const [what, send] of Object.entries(requests)) {
      const { value: res, ms } = await timed(send);
      expect({ what, status: res.statusCode }).toEqual({ what, status: 503 });
      const body = res.json();
      if (what === "grant") {
        // The token endpoint answers in RFC 6749's shape.
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        expect(body.error).toBe("temporarily_unavailable");
      } else {
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
        expect(body.code).toBe(what === "readyz" ? "NOT_READY" : "DATABASE_UNAVAILABLE");
      }
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.ts|postgres:/);
      if (what !== "readyz") expect(res.headers["retry-after"]).toBe("5");
      // Fails fast: nowhere near a request timeout.
      expect(ms).toBeLessThan(2_000);
    }
  } finally {
    await startServer(cluster);
  }

  const recovery = await waitUntil(async () => {
    const res = await t.call({ method: "GET", url: "/readyz", as: null });
    return res.statusCode === 200;
  }, 10_000);
  expect(recovery).toBeLessThan(10_000);
  const after = await createScope("after-restart");
  expect(after.statusCode).toBe(201);
  acknowledged.push("after-restart");

  const names = await scopeNames();
  for (const name of acknowledged) expect(names).toContain(name);
  expect(names).not.toContain("during-outage");
  const again = await refresh(t, client, tokens.refresh_token);
  expect(again.statusCode).toBe(200);
});

test("connections killed in the middle of transactions give 503 (never 500), the pool recovers, and no acknowledged write is lost", async () => {
  const killer = new Client({ connectionString: cluster.url });
  await killer.connect();
  let killing = true;
  let kills = 0;
  const killLoop = (async () => {
    while (killing) {
      const res = await killer.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
      );
      kills += res.rowCount ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  const statuses = new Map<string, number>();
  try {
    const names = Array.from({ length: 80 }, (_, i) => `killed-${i}`);
    for (let batch = 0; batch < names.length; batch += 8) {
      const slice = names.slice(batch, batch + 8);
      const results = await Promise.all(slice.map((name) => createScope(name)));
      for (const [i, res] of results.entries()) statuses.set(slice[i]!, res.statusCode);
    }
  } finally {
    killing = false;
    await killLoop;
    await killer.end();
  }
  const seen = [...new Set(statuses.values())].sort();
  for (const status of seen) expect([201, 503]).toContain(status);
  expect(kills).toBeGreaterThan(0);
  expect([...statuses.values()].filter((status) => status === 503).length).toBeGreaterThan(0);

  const present = await scopeNames();
  for (const [name, status] of statuses) if (status === 201) expect(present).toContain(name);
  // The pool replaced every killed connection.
  for (let i = 0; i < 12; i++) expect((await createScope(`healed-${i}`)).statusCode).toBe(201);
});
