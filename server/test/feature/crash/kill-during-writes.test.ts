// Crash safety of the built server: a burst of integration creates over real HTTP, a SIGKILL while
// requests are still in flight, a restart on the same database, and then the store must hold every
// write that was acknowledged (201) and no half-written record: each integration has its scope join
// rows, its client secret row and exactly one "create" audit event, and no audit event lacks its record.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Pool } from "undici";
import { openDatabase } from "../../../src/storage/open";
import { createTestDatabase } from "../../helpers/postgres-database";
import { DATABASES, type DatabaseKind } from "../../helpers/test-app";

const ROOT = resolve(__dirname, "../../../..");
const CLI = join(ROOT, "dist/server/src/cli.js");

/** Requests kept in flight during the burst. */
const CONCURRENCY = 16;
/** The kill is sent once this many creates have been acknowledged. */
const ACKS_BEFORE_KILL = 100;
/** A safety stop, should the server never reach ACKS_BEFORE_KILL. */
const MAX_ATTEMPTS = 2_000;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const SCOPE = "crash.write";
const VERBOSE = Boolean(process.env.CRASH_TEST_VERBOSE);

interface ServerProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:PORT, from the "inbound-oauth server ready" log line. */
  url: string;
  exited: Promise<void>;
  /** The last lines the process wrote, for failure messages. */
  tail(): string;
}

/** Spawns `cli.js serve --port 0` and resolves once it logs that it is ready. */
function startServer(database: string, tokenFile: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--database",
      database,
      "--admin-token-file",
      tokenFile,
      "--log-level",
      "info",
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  const tail = () => lines.join("\n");
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  createInterface({ input: child.stderr! }).on("line", remember);
  const stdout = createInterface({ input: child.stdout! });

  return new Promise<ServerProcess>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rejectReady(
        new Error(
          `the server did not log "inbound-oauth server ready" within ${READY_TIMEOUT_MS} ms:\n${tail()}`,
        ),
      );
    }, READY_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      rejectReady(
        new Error(`the server exited (code ${code}, signal ${signal}) before it was ready:\n${tail()}`),
      );
    });
    stdout.on("line", (line) => {
      remember(line);
      let entry: { msg?: unknown; url?: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === "inbound-oauth server ready" && typeof entry.url === "string") {
        clearTimeout(timer);
        resolveReady({ child, url: entry.url, exited, tail });
      }
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited in time. */
async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(true), STOP_TIMEOUT_MS);
  });
  const late = await Promise.race([server.exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
}

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

async function call(
  pool: Pool,
  token: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<Reply> {
  const response = await pool.request({
    method,
    path,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.statusCode, body: parsed, text };
}

/** Every item of a paged list endpoint (limit 200, following nextCursor). */
async function listAll<T>(pool: Pool, token: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = await call(
      pool,
      token,
      "GET",
      `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${page.text}`);
    const body = page.body as { items: T[]; nextCursor: string | null };
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}

function integrationInput(name: string) {
  return {
    name,
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
    authScopes: [SCOPE],
  };
}

interface Integration {
  id: string;
  name: string;
  authScopes: string[];
  clientSecretFingerprint: string | null;
}

interface AuditEvent {
  action: string;
  recordKind: string;
  recordId: string;
}

describe.each(DATABASES)("crash safety on %s", (kind: DatabaseKind) => {
  const cleanups: Array<() => Promise<void> | void> = [];

  afterAll(async () => {
    // Last registered, first undone: servers stop before their database goes away.
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error) => console.warn(`cleanup failed: ${(error as Error).message}`));
    }
  });

  it("a kill -9 during a burst of writes loses no acknowledged write and leaves no half-written record", async () => {
    if (!existsSync(CLI)) {
      throw new Error(
        `${CLI} does not exist: this test runs the built server. Run \`make build\` (or \`npx tsc -p tsconfig.build.json\`) first.`,
      );
    }

    // 1. A fresh store and the built server on it.
    const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-crash-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tokenFile = join(dir, "admin-token");
    let database: string;
    if (kind === "sqlite") {
      database = join(dir, "registry.db");
    } else {
      const pg = await createTestDatabase();
      cleanups.push(() => pg.drop());
      database = pg.url;
    }

    const t0 = performance.now();
    const first = await startServer(database, tokenFile);
    cleanups.push(() => stopServer(first));
    const startedMs = performance.now() - t0;
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(token).not.toBe("");

    const firstPool = new Pool(first.url, { connections: CONCURRENCY, pipelining: 1 });
    cleanups.push(() => firstPool.destroy().catch(() => {}));

    // 2. One scope, then a burst of creates, and a SIGKILL once ACKS_BEFORE_KILL are acknowledged.
    const scope = await call(firstPool, token, "POST", "/api/v1/auth-scopes", { name: SCOPE });
    expect({ status: scope.status, body: scope.text }).toEqual({ status: 201, body: expect.any(String) });

    const acknowledged: string[] = [];
    const failed: string[] = [];
    const unexpected: string[] = [];
    let attempted = 0;
    let inFlight = 0;
    let killed = false;
    let inFlightAtKill = 0;
    let killedAtMs = 0;

    const burstStart = performance.now();
    const worker = async () => {
      while (!killed && attempted < MAX_ATTEMPTS) {
        const n = attempted++;
        inFlight++;
        try {
          const reply = await call(
            firstPool,
            token,
            "POST",
            "/api/v1/integrations",
            integrationInput(`crash-${n}`),
          );
          const id = (reply.body as { id?: unknown } | undefined)?.id;
          if (reply.status === 201 && typeof id === "string") acknowledged.push(id);
          else unexpected.push(`crash-${n}: ${reply.status} ${reply.text}`);
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).message;
          // Before the kill every request must succeed; after it, failing is the point.
          (killed ? failed : unexpected).push(`crash-${n}: ${code}`);
        } finally {
          inFlight--;
        }
        if (!killed && acknowledged.length >= ACKS_BEFORE_KILL) {
          killed = true;
          inFlightAtKill = inFlight; // requests of the other workers, sent and not yet answered
          killedAtMs = performance.now() - burstStart;
          first.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const burstMs = performance.now() - burstStart;
    await first.exited;
    await firstPool.destroy();

    expect(unexpected).toEqual([]);
    expect(killed).toBe(true);
    expect(first.child.signalCode).toBe("SIGKILL");
    // The kill landed mid-burst: writes were still in flight, and some of them never got an answer.
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(acknowledged.length).toBeLessThan(attempted);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);

    // 3. Restart on the same database; the token file is left as it was and the token still works.
    const t1 = performance.now();
    const second = await startServer(database, tokenFile);
    cleanups.push(() => stopServer(second));
    const restartMs = performance.now() - t1;
    expect(readFileSync(tokenFile, "utf8").trim()).toBe(token);
    const pool = new Pool(second.url, { connections: 8 });
    cleanups.push(() => pool.destroy().catch(() => {}));

    // Every acknowledged write is readable, with its scope.
    for (const id of acknowledged) {
      const reply = await call(pool, token, "GET", `/api/v1/integrations/${id}`);
      expect({ id, status: reply.status }).toEqual({ id, status: 200 });
      expect((reply.body as Integration).authScopes).toEqual([SCOPE]);
    }

    // Every integration that exists is whole: its join rows, and exactly one create audit event.
    const integrations = await listAll<Integration>(pool, token, "/api/v1/integrations");
    const ids = new Set(integrations.map((integration) => integration.id));
    expect(ids.size).toBe(integrations.length);
    expect(integrations.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(integrations.length).toBeLessThanOrEqual(attempted);
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    for (const integration of integrations) {
      expect({ name: integration.name, authScopes: integration.authScopes }).toEqual({
        name: integration.name,
        authScopes: [SCOPE],
      });
      expect(integration.clientSecretFingerprint).toEqual(expect.any(String));
    }

    const events = await listAll<AuditEvent>(pool, token, "/api/v1/audit?recordKind=integration");
    expect(events.filter((event) => event.action !== "create")).toEqual([]);
    const creates = new Map<string, number>();
    for (const event of events) creates.set(event.recordId, (creates.get(event.recordId) ?? 0) + 1);
    for (const integration of integrations) {
      expect({ id: integration.id, creates: creates.get(integration.id) ?? 0 }).toEqual({
        id: integration.id,
        creates: 1,
      });
    }
    // No audit event without its record.
    expect(events.length).toBe(integrations.length);
    expect([...creates.keys()].filter((id) => !ids.has(id))).toEqual([]);

    // Every integration has its client secret row, matching the fingerprint it reports.
    const db = openDatabase(database);
    try {
      const rows = await db.query<{ integration_id: string; fingerprint: string }>(
        "SELECT integration_id, fingerprint FROM client_secrets",
      );
      const secrets = new Map(rows.map((row) => [row.integration_id, row.fingerprint]));
      expect(rows.length).toBe(integrations.length);
      for (const integration of integrations) {
        expect({ id: integration.id, fingerprint: secrets.get(integration.id) }).toEqual({
          id: integration.id,
          fingerprint: integration.clientSecretFingerprint,
        });
      }
    } finally {
      await db.close();
    }

    // The restarted server still takes writes.
    const after = await call(
      pool,
      token,
      "POST",
      "/api/v1/integrations",
      integrationInput("crash-after-restart"),
    );
    expect({ status: after.status, body: after.text }).toEqual({ status: 201, body: expect.any(String) });
    const afterId = (after.body as { id: string }).id;
    const readBack = await call(pool, token, "GET", `/api/v1/integrations/${afterId}`);
    expect(readBack.status).toBe(200);
    expect((readBack.body as Integration).authScopes).toEqual([SCOPE]);

    if (VERBOSE) {
      console.info(
        `[${kind}] server ready in ${startedMs.toFixed(0)} ms; ${acknowledged.length} of ${attempted} creates ` +
          `acknowledged (kill at ${killedAtMs.toFixed(0)} ms with ${inFlightAtKill} in flight, ${failed.length} failed: ` +
          `${[...new Set(failed.map((f) => f.split(": ")[1]))].join(", ")}); burst ${burstMs.toFixed(0)} ms; ` +
          `${integrations.length} integrations after restart (${integrations.length - acknowledged.length} ` +
          `committed but unacknowledged); restart ready in ${restartMs.toFixed(0)} ms`,
      );
    }
  }, 60_000);
});
