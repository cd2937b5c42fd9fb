// The fuzz tier of the management API (`make test-fuzz`): schemathesis, from the venv the Makefile
// builds, against the built server on a fresh SQLite file with its bootstrap admin token, on every
// operation of /api/v1/openapi.json. Fails on a 5xx, a lost connection, a failed check, an
// operation never run, or a POST or PUT operation that never got a 2xx answer.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { onCleanup, runMain } from "../../bench/lib/cleanup";
import { numberFromEnv, REPO } from "../../bench/lib/common";
import { startSqliteServer } from "../../bench/lib/sqlite-server";
import { writeCounts } from "../test-counts";
import { disarmBanner } from "./closing-lines";
import { findProblems, formatTable, tallyReport } from "./report";

const SCHEMATHESIS = join(REPO, ".venv-fuzz", "bin", "schemathesis");
const CONFIG = join(REPO, "scripts", "fuzz", "schemathesis.toml");
const CHECKS =
  "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";
const METHODS = ["get", "put", "post", "delete", "patch"];

function say(message: string): void {
  process.stdout.write(`[fuzz] ${message}\n`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => process.stdout.write(`${disarmBanner(line)}\n`));
    const timer = setTimeout(() => {
      say(`schemathesis ran longer than ${timeoutMs / 1000} s: stopping it`);
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", fail);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

async function main(): Promise<number> {
  if (!existsSync(SCHEMATHESIS)) throw new Error(`${SCHEMATHESIS} is missing: run make fuzz-tools`);
  const seed = numberFromEnv("FUZZ_SEED", 20261203, true);
  const maxExamples = numberFromEnv("FUZZ_MAX_EXAMPLES", 100, true);
  const started = Date.now();
  const { server, token, stop } = await startSqliteServer("fuzz");
  const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-fuzz-"));
  if (!process.env.FUZZ_KEEP) onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const reportPath = join(dir, "events.ndjson");

  const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );

  say(`schemathesis on ${documented.length} operations, seed ${seed}, at most ${maxExamples} examples each`);
  const exitCode = await run(
    SCHEMATHESIS,
    [
      "--config-file",
      CONFIG,
      "run",
      `${server.url}/api/v1/openapi.json`,
      "--checks",
      CHECKS,
      "--max-examples",
      String(maxExamples),
      "--seed",
      String(seed),
      "--workers",
      "1",
      "--request-timeout",
      "10",
      "--generation-database",
      "none",
      "--report",
      "ndjson",
      "--report-ndjson-path",
      reportPath,
      "--no-color",
    ],
    // The token reaches schemathesis through the config file's ${FUZZ_ADMIN_TOKEN}, not argv.
    { ...process.env, FUZZ_ADMIN_TOKEN: token },
    10 * 60_000,
  );
  const alive = await fetch(`${server.url}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
  const logged = server
    .output()
    .split("\n")
    .filter((line) => /"level":(50|60)/.test(line));
  await stop();

  const tallies = tallyReport(reportPath);
  say(`per operation (every phase), in ${Math.round((Date.now() - started) / 1000)} s:\n`);
  process.stdout.write(`${formatTable(tallies, documented)}\n\n`);
  const problems = findProblems(tallies, documented);
  if (exitCode !== 0) problems.push(`schemathesis exited with ${exitCode} (a check failed: see above)`);
  if (!alive) problems.push("the server no longer answered /healthz after the run");
  if (logged.length > 0) problems.push(`the server logged ${logged.length} errors:\n${logged.join("\n")}`);
  const total = [...tallies.values()].reduce((sum, tally) => sum + tally.cases, 0);
  const failed = documented.filter((operation) => problems.some((p) => p.startsWith(`${operation}:`)));
  // Operations with a problem, plus the problems of the run as a whole (a failed check, the server).
  const general = problems.filter((p) => !documented.some((operation) => p.startsWith(`${operation}:`)));
  const counts = { passed: documented.length - failed.length, failed: failed.length + general.length };
  writeCounts("fuzz", counts);
  const closing = `fuzz: ${counts.passed} passed, ${counts.failed} failed`;
  if (problems.length > 0) {
    say(`FAILED (seed ${seed}; rerun with FUZZ_SEED=${seed} make test-fuzz):\n- ${problems.join("\n- ")}`);
    process.stdout.write(`${closing}\n`);
    return 1;
  }
  say(`${total} requests, 0 with a 5xx, every POST and PUT operation answered 2xx at least once`);
  process.stdout.write(`${closing}\n`);
  return 0;
}

runMain(main);
