// Key custody: the data folder 0700 and the database, WAL, SHM, admin-token and key-encryption key
// files 0600 on a fresh start; a start refused (INSECURE_FILE_MODE) when an existing one is open to
// group or others; private signing keys sealed at rest under the key-encryption key on SQLite and
// PostgreSQL; a wrong key refused at start; tokens verifying across a restart; and the KEK rotation
// command. Real files, the real server process function, PostgreSQL from the test cluster.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { keysCommand } from "../../../src/cli/keys";
import { KeyEncryptionKey } from "../../../src/domain/oauth/keys";
import { serve } from "../../../src/server";
import { openDatabase } from "../../../src/storage/open";
import { CookieJar, createIntegration, createUser, grantTokens, login } from "../../helpers/oauth-flow";
import { createTestDatabase } from "../../helpers/postgres-database";
import type { TestApp } from "../../helpers/test-app";

const mode = (path: string) => statSync(path).mode & 0o777;
type Served = Awaited<ReturnType<typeof serve>>;

let dir: string;
let previousUmask: number;
const running: Served[] = [];
beforeEach(() => {
  // The default umask of most shells: what the server must not rely on.
  previousUmask = process.umask(0o022);
  dir = join(mkdtempSync(join(tmpdir(), "inbound-oauth-custody-")), "data");
});
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  process.umask(previousUmask);
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

const start = async (options: { database?: string; kekFile?: string; folder?: string } = {}) => {
  const folder = options.folder ?? dir;
  const server = await serve({
    port: 0,
    host: "127.0.0.1",
    database: options.database ?? join(folder, "oauth.db"),
    adminTokenFile: join(folder, "admin-token"),
    pruneIntervalSeconds: 0,
    keyEncryptionKeyFile: options.kekFile,
    logLevel: "silent",
    keyRetentionDays: 105,
    dev: false,
  });
  running.push(server);
  return server;
};
const stop = async (server: Served) => {
  running.splice(running.indexOf(server), 1);
  await server.stop();
};

/** The served app in the shape the OAuth flow helper drives, as the bootstrap admin. */
const asTestApp = (server: Served): TestApp => {
  const admin = readFileSync(join(dir, "admin-token"), "utf8").trim();
  return {
    app: server.app,
    call: ({ as: _as, headers, ...rest }) =>
      server.app.inject({ ...rest, headers: { authorization: `Bearer ${admin}`, ...headers } }),
  } as TestApp;
};

const refusal = (path: string, found: string, chmod: string) =>
  expect.objectContaining({
    code: "INSECURE_FILE_MODE",
    message: expect.stringMatching(
      new RegExp(
        `${path.replaceAll("/", "\\/")} has mode ${found}.*chmod ${chmod} ${path.replaceAll("/", "\\/")}`,
      ),
    ),
  });

test("a fresh start makes the data folder 0700 and the database, WAL, SHM, token and KEK files 0600", async () => {
  await start();
  expect(mode(dir)).toBe(0o700);
  for (const file of ["oauth.db", "oauth.db-wal", "oauth.db-shm", "admin-token", "key-encryption-key"]) {
    expect([file, mode(join(dir, file)).toString(8)]).toEqual([file, "600"]);
  }
});

test("a start is refused when an existing admin-token file is 0644, and it keeps the mode it had", async () => {
  mkdirSync(dir, { mode: 0o700 });
  const token = join(dir, "admin-token");
  writeFileSync(token, "stale\n", { mode: 0o644 });
  chmodSync(token, 0o644);
  await expect(start()).rejects.toEqual(refusal(token, "0644", "600"));
  expect(existsSync(join(dir, "oauth.db"))).toBe(false);
});

test("a start is refused when the existing data folder is 0755", async () => {
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  await expect(start()).rejects.toEqual(refusal(dir, "0755", "700"));
});

test("a start is refused when the existing database file is 0644", async () => {
  await stop(await start());
  const database = join(dir, "oauth.db");
  chmodSync(database, 0o644);
  await expect(start()).rejects.toEqual(refusal(database, "0644", "600"));
});

test("tokens still verify after a restart with the same KEK, and the restarted server signs new ones", async () => {
  const verifyWith = async (server: Served, token: string) => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/api/now/oauth/jwks`));
    return (await jwtVerify(token, jwks)).payload;
  };
  const grant = async (server: Served) => {
    const t = asTestApp(server);
    const client = await createIntegration(t, `app-${running.length}-${Date.now()}`, { tokenFormat: "JWT" });
    const jar = await login(t, "alice", "correct horse battery staple", undefined, new CookieJar());
    return (await grantTokens(t, client, jar)).access_token;
  };
  const first = await start();
  await createUser(asTestApp(first), "alice");
  const before = await grant(first);
  await stop(first);

  const second = await start();
  expect((await verifyWith(second, before)).sub).toBe("alice");
  expect((await verifyWith(second, await grant(second))).sub).toBe("alice");
});

test("a wrong KEK at start fails clearly, names both key ids and prints no key material", async () => {
  await stop(await start());
  const right = KeyEncryptionKey.fromText(readFileSync(join(dir, "key-encryption-key"), "utf8"), "t");
  const wrongFile = join(dir, "wrong-kek");
  const wrongText = KeyEncryptionKey.generateText();
  writeFileSync(wrongFile, wrongText, { mode: 0o600 });
  const wrong = KeyEncryptionKey.fromText(wrongText, "t");
  const error = await start({ kekFile: wrongFile }).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  expect(error).toMatchObject({ code: "KEY_ENCRYPTION_KEY_MISMATCH" });
  expect(error!.message).toContain(right.id);
  expect(error!.message).toContain(wrong.id);
  expect(error!.message).toContain(wrongFile);
  expect(error!.message).not.toContain(wrongText);
  expect(error!.message).not.toContain(readFileSync(join(dir, "key-encryption-key"), "utf8").trim());

  // A lost default KEK file is not silently replaced by a new one.
  rmSync(join(dir, "key-encryption-key"));
  await expect(start()).rejects.toMatchObject({ code: "KEY_ENCRYPTION_KEY_MISSING" });
  expect(existsSync(join(dir, "key-encryption-key"))).toBe(false);
});

test("a database with clear private keys (an older version's) is sealed in place at start", async () => {
  await stop(await start());
  const kek = KeyEncryptionKey.fromText(readFileSync(join(dir, "key-encryption-key"), "utf8"), "t");
  const db = openDatabase(join(dir, "oauth.db"));
  const [row] = await db.query<{ kid: string; private_jwk: string }>(
    "SELECT kid, private_jwk FROM signing_keys",
  );
  const clear = kek.open(row!.kid, row!.private_jwk);
  await db.execute("UPDATE signing_keys SET private_jwk = ? WHERE kid = ?", [clear, row!.kid]);
  await db.close();

  await stop(await start());
  const again = openDatabase(join(dir, "oauth.db"));
  const [sealed] = await again.query<{ private_jwk: string }>("SELECT private_jwk FROM signing_keys");
  await again.close();
  expect(sealed!.private_jwk).not.toContain('"d"');
  expect(kek.open(row!.kid, sealed!.private_jwk)).toBe(clear);
});

test("keys rotate-encryption-key re-encrypts every key under the new KEK; the old one no longer opens them", async () => {
  const server = await start();
  await server.app.inject({
    method: "POST",
    url: "/api/v1/keys/rotate",
    headers: { authorization: `Bearer ${readFileSync(join(dir, "admin-token"), "utf8").trim()}` },
  });
  await stop(server);
  const database = join(dir, "oauth.db");
  const oldFile = join(dir, "key-encryption-key");
  const newFile = join(dir, "next-kek");
  const old = KeyEncryptionKey.fromText(readFileSync(oldFile, "utf8"), "t");
  const quiet = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await keysCommand([
      "rotate-encryption-key",
      "--database",
      database,
      "--key-encryption-key-file",
      oldFile,
      "--new-key-file",
      newFile,
    ]);
  } finally {
    quiet.mockRestore();
  }
  expect(mode(newFile)).toBe(0o600);
  const next = KeyEncryptionKey.fromText(readFileSync(newFile, "utf8"), "t");
  const db = openDatabase(database);
  const rows = await db.query<{ kid: string; private_jwk: string }>(
    "SELECT kid, private_jwk FROM signing_keys",
  );
  await db.close();
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    expect(JSON.parse(next.open(row.kid, row.private_jwk)).d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => old.open(row.kid, row.private_jwk)).toThrow(
      expect.objectContaining({ code: "KEY_ENCRYPTION_KEY_MISMATCH" }),
    );
  }
  await expect(start()).rejects.toMatchObject({ code: "KEY_ENCRYPTION_KEY_MISMATCH" });
  await start({ kekFile: newFile });
});

describe.each(["sqlite", "postgres"] as const)("the raw signing_keys rows on %s", (kind) => {
  test("hold no private key material, only sealed values that open under the KEK", async () => {
    const pg = kind === "postgres" ? await createTestDatabase() : undefined;
    try {
      const database = pg?.url ?? join(dir, "oauth.db");
      const server = await start({ database });
      await server.app.inject({
        method: "POST",
        url: "/api/v1/keys/rotate",
        headers: { authorization: `Bearer ${readFileSync(join(dir, "admin-token"), "utf8").trim()}` },
      });
      await stop(server);
      const kek = KeyEncryptionKey.fromText(readFileSync(join(dir, "key-encryption-key"), "utf8"), "t");
      const db = openDatabase(database);
      const rows = await db.query<{ kid: string; private_jwk: string }>("SELECT * FROM signing_keys");
      await db.close();
      expect(rows).toHaveLength(2);
      const raw = JSON.stringify(rows);
      expect(raw).not.toMatch(/\\?"d\\?"\s*:/);
      for (const row of rows) {
        const d = JSON.parse(kek.open(row.kid, row.private_jwk)).d as string;
        expect(raw).not.toContain(d);
      }
    } finally {
      await pg?.drop();
    }
  });
});
