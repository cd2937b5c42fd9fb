// The built server (dist/) as a child process, for tests that need real HTTP from outside the
// test process (a browser, a third-party client): a free port, a fresh SQLite file, --dev.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fetch } from "undici";
import { freePort, waitReady } from "../../../scripts/lib/net";

export const ROOT = resolve(__dirname, "../../..");
const CLI = join(ROOT, "dist/server/src/cli.js");
const READY_TIMEOUT_MS = 30_000;

export { freePort };

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
  /** The last lines it wrote (stdout and stderr). */
  output(): string[];
}

export interface StartOptions {
  /** Default: a free port. Pass the port of a killed server to restart it where clients expect it. */
  port?: number;
  /** More `serve` flags, e.g. ["--request-timeout", "2"]. */
  args?: string[];
  /**
   * The open-files limit to run the server under (`ulimit -n`, soft and hard, set by bash before it
   * execs node). Raising it above the hard limit needs root; lowering it always works.
   */
  openFiles?: number;
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
  const argv = [
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
    ...(options.args ?? []),
  ];
  const child: ChildProcess =
    options.openFiles === undefined
      ? spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(
          "bash",
          [
            "-c",
            'ulimit -n "$1" && shift && exec "$@"',
            "bash",
            String(options.openFiles),
            process.execPath,
            ...argv,
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
  try {
    await waitReady(`${base}/.well-known/oauth-authorization-server`, {
      timeoutMs: READY_TIMEOUT_MS,
      exited: () => exit,
      also: () => existsSync(tokenFile),
    });
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`the server was not ready: ${(error as Error).message}\n${lines.join("\n")}`);
  }
  return {
    base,
    port,
    database,
    adminToken: readFileSync(tokenFile, "utf8").trim(),
    output: () => [...lines],
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
  return adminTokenCli(server, ["create", "--name", name, "--role", role]);
}

/** Revokes the admin token called `name` with the server's own CLI, as an operator would. */
export async function revokeAdminToken(server: AuthServer, name: string): Promise<void> {
  await adminTokenCli(server, ["revoke", "--name", name]);
}

async function adminTokenCli(server: AuthServer, args: string[]): Promise<string> {
  const { execFile } = await import("node:child_process");
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      [CLI, "admin-token", ...args, "--database", server.database],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout.trim()),
    ),
  );
}
