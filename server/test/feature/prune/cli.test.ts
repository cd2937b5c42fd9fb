// `inbound-oauth prune` and the schedule of `inbound-oauth serve`, through the built CLI: expired
// rows (times in the real past) go, live ones (the real future) stay.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import { manage, ROOT, startAuthServer } from "../../helpers/built-server";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";
import {
  counts,
  insertCode,
  insertIdempotency,
  insertSession,
  insertToken,
  type Owners,
  owners,
} from "./fixture";

const CLI = join(ROOT, "dist/server/src/cli.js");
const PAST = Date.parse("2020-01-01T00:00:00Z");
const FUTURE = Date.parse("2100-01-01T00:00:00Z");
const ONE_EACH = { authorization_codes: 1, oauth_tokens: 1, login_sessions: 1, idempotency_keys: 1 };

beforeAll(() => {
  for (const source of ["cli", "cli/prune", "server", "domain/prune/rules", "domain/prune/run"]) {
    const built = join(ROOT, "dist/server/src", `${source}.js`);
    const src = join(ROOT, "server/src", `${source}.ts`);
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs)
      throw new Error(
        `${built} is missing or older than its source: rebuild with \`tsc -p tsconfig.build.json\`.`,
      );
  }
});

/** Two expired and one live row in each pruned table (a used code and rotated tokens among them). */
async function seed(o: Owners) {
  for (const [i, end] of [PAST, PAST + 1000, FUTURE].entries()) {
    await insertCode(o, { hash: `code-${i}`, expires: end, consumed: i === 1 });
    await insertToken(o, {
      family: `family-${i}`,
      kind: "refresh",
      expires: end,
      rotated: i > 0,
      revoked: false,
    });
    await insertSession(o, { hash: `session-${i}`, expires: end });
    await insertIdempotency(o, { token: "token", hash: `key-${i}`, created: end });
  }
}

describe.each(DATABASES)("inbound-oauth prune on %s", (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp(kind);
    await seed(await owners(t));
  });
  afterEach(() => t.close());

  test("removes the expired rows, keeps the live ones and prints what it removed per table", async () => {
    const result = spawnSync(process.execPath, [CLI, "prune", "--database", t.store.location], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 30_000,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        "authorization_codes  2 removed",
        "oauth_tokens         2 removed",
        "login_sessions       2 removed",
        "idempotency_keys     2 removed",
        "rate_limits          0 removed",
        "",
      ].join("\n"),
    );
    expect(await counts(t.store.db)).toEqual(ONE_EACH);
  });
});

describe("inbound-oauth serve prunes on its schedule", () => {
  test("--prune-interval-seconds must be a whole number from 0 to 86400", () => {
    for (const bad of ["-1", "1.5", "abc", "86401", ""]) {
      const result = spawnSync(process.execPath, [CLI, "serve", `--prune-interval-seconds=${bad}`], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.stderr).toContain(
        "--prune-interval-seconds must be a whole number from 0 (off) to 86400",
      );
      expect(result.status).toBe(2);
    }
  });

  test("with --prune-interval-seconds 1 a running server clears expired rows within seconds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-prune-serve-"));
    const server = await startAuthServer(dir, { args: ["--prune-interval-seconds", "1"] });
    // A second connection to the server's own SQLite file (WAL): rows seeded while it runs.
    const db = new SqliteDatabase(server.database);
    try {
      const client = await manage(server, "/api/v1/integrations", {
        name: "Prune app",
        providerName: "Acme",
        redirectUrls: ["https://app.example.com/callback"],
      });
      const user = await manage(server, "/api/v1/users", {
        name: "pruned",
        password: "a long enough password",
      });
      await seed({
        db,
        integrationId: String(client.id),
        redirectUri: "https://app.example.com/callback",
        userId: String(user.id),
      });
      // Waits for the server's next scheduled run (an event in another process), polling the file.
      const deadline = Date.now() + 20_000;
      let seen = await counts(db);
      while (JSON.stringify(seen) !== JSON.stringify(ONE_EACH) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 50));
        seen = await counts(db);
      }
      expect(seen).toEqual(ONE_EACH);
    } finally {
      await db.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
