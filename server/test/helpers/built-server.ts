// The built server (dist/) as a child process, for tests that need real HTTP from outside the
// test process (a browser, a third-party client): a free port, a fresh SQLite file, --dev.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fetch } from "undici";

export const ROOT = resolve(__dirname, "../../..");
const CLI = join(ROOT, "dist/server/src/cli.js");
const READY_TIMEOUT_MS = 30_000;

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((done, fail) => {
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => done());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

export interface AuthServer {
  base: string;
  port: number;
  /** The SQLite file. */
  database: string;
  adminToken: string;
  /** Stops it (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Default: a free port. Pass the port of a killed server to restart it where clients expect it. */
  port?: number;
  /** More `serve` flags, e.g. ["--prune-interval-seconds", "1"]. */
  extraArgs?: string[];
}

/**
 * Spawns the built server with --dev and the SQLite file `dir`/oauth.db (kept across restarts in the
 * same folder); waits for its metadata. The admin token is the one written to `dir`/admin-token.
 */
export async function startAuthServer(dir: string, options: StartOptions = {}): Promise<AuthServer> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build the server first (make build, or npm run build).`);
  }
  const port = options.port ?? (await freePort());
  const database = join(dir, "oauth.db");
  const tokenFile = join(dir, "admin-token");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--database",
      database,
      "--admin-token-file",
      tokenFile,
      "--dev",
      "--log-level",
      "warn",
      ...(options.extraArgs ?? []),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (lines.length > 40) lines.shift();
    });
  }
  let exit: string | undefined;
  const exited = new Promise<void>((done) =>
    child.once("exit", (code, signal) => {
      exit = `code ${code}, signal ${signal}`;
      done();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`the server exited (${exit}) before it was ready:\n${lines.join("\n")}`);
    try {
      const response = await fetch(`${base}/.well-known/oauth-authorization-server`);
      await response.body?.cancel();
      if (response.ok && existsSync(tokenFile)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server was not ready within ${READY_TIMEOUT_MS} ms:\n${lines.join("\n")}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    base,
    port,
    database,
    adminToken: readFileSync(tokenFile, "utf8").trim(),
    async kill() {
      if (!exit) {
        child.kill("SIGKILL");
        await exited;
      }
    },
    async stop() {
      if (!exit) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export async function manage(
  server: AuthServer,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A new admin token of `role` (e.g. "viewer"), created with the server's own CLI on its database. */
export async function createAdminToken(server: AuthServer, name: string, role: string): Promise<string> {
  const { execFile } = await import("node:child_process");
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      [CLI, "admin-token", "create", "--name", name, "--role", role, "--database", server.database],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout.trim()),
    ),
  );
}
