// The built server on a fresh SQLite file in a temporary folder, with the admin token it wrote at
// its first start: what the provider and Pulumi-engine benchmarks run against.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup";
import { checkBuilt, SERVER_CLI } from "./common";
import { type ServerProcess, startServer } from "./server-process";

const CLI = SERVER_CLI;

export interface SqliteServer {
  server: ServerProcess;
  /** The bootstrap admin token. */
  token: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Starts it (`serve --log-level warn`, ready on /readyz); `label` names its temporary folder. */
export async function startSqliteServer(label: string): Promise<SqliteServer> {
  checkBuilt(CLI);
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-${label}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const server = await startServer(
    "server-sqlite",
    CLI,
    [
      "serve",
      "--database",
      join(dir, "bench.sqlite"),
      "--admin-token-file",
      tokenFile,
      "--log-level",
      "warn",
    ],
    "/readyz",
  );
  const stop = async () => {
    await server.stop();
    await removeDir();
  };
  if (!existsSync(tokenFile)) {
    await stop();
    throw new Error(`the server wrote no admin token to ${tokenFile}: was the database not empty?`);
  }
  return { server, token: readFileSync(tokenFile, "utf8").trim(), stop };
}
