// Side by side with an earlier commit, in one run: builds the base commit in a temporary git
// worktree (sharing this checkout's node_modules and .tools), then runs each benchmark of this
// checkout against the base commit's server and against this checkout's alternately, BENCH_ROUNDS
// times (the order flips every round, so a slow minute on the shared machine hits both sides), and
// prints for every figure the mean of each side and the ratio this checkout ÷ base. One bench
// measures both servers (BENCH_SERVER_CLI names the base's build), so a change to the bench itself
// cannot pass for a change of the server.
//
//   BENCH_BASE=<ref> (default HEAD~1)  BENCH_COMPARE=oauth-flows,management-api  BENCH_ROUNDS=2
//   node dist/bench/compare-commits.js
//
// Every other BENCH_* variable passes through to the benchmarks, e.g. BENCH_DURATION=3.
// Exit code 1 when a run of either side failed (its own exit code says its figures are invalid).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { type Figures, figuresOf } from "./compare-figures";
import { listFromEnv, log, numberFromEnv, REPO } from "./lib/common";

const BASE = process.env.BENCH_BASE ?? "HEAD~1";
const BENCHES = listFromEnv("BENCH_COMPARE", "oauth-flows,management-api");
const ROUNDS = numberFromEnv("BENCH_ROUNDS", 2, true);

type Side = "base" | "head";

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();
}

function buildBase(dir: string): void {
  git("worktree", "add", "--detach", dir, BASE);
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(REPO, ".tools"), join(dir, ".tools"));
  log(`building ${BASE} in a temporary worktree`);
  execFileSync(join(REPO, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
    cwd: dir,
    stdio: "inherit",
  });
}

function runOnce(
  bench: string,
  side: Side,
  dir: string,
  scratch: string,
  round: number,
): Figures | undefined {
  log(`round ${round}: ${bench} on ${side}`);
  const server = join(dir, "dist", "server", "src", "cli.js");
  const run = spawnSync(process.execPath, [join("dist", "bench", `${bench}.js`)], {
    cwd: REPO,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, BENCH_SERVER_CLI: server },
  });
  if (run.status !== 0) {
    log(`${bench} on ${side} exited with ${run.status ?? run.signal}: its figures are invalid`);
    return undefined;
  }
  const kept = join(scratch, `${side}-${round}-${bench}.json`);
  copyFileSync(join(REPO, "bench", "results", `${bench}.json`), kept);
  return figuresOf(kept);
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function printTable(bench: string, samples: Record<Side, Figures[]>): void {
  console.log(`\n## ${bench}: ${BASE} (base) vs this checkout (head), ${ROUNDS} rounds each\n`);
  console.log("| figure | base | head | head ÷ base |");
  console.log("| --- | ---: | ---: | ---: |");
  const names = [...new Set(samples.base.flatMap((f) => [...f.keys()]))];
  for (const name of names) {
    const base = samples.base.map((f) => f.get(name)).filter((v): v is number => v !== undefined);
    const head = samples.head.map((f) => f.get(name)).filter((v): v is number => v !== undefined);
    if (base.length === 0 || head.length === 0) continue;
    const [b, h] = [mean(base), mean(head)];
    const ratio = b === 0 ? "n/a" : (h / b).toFixed(2);
    console.log(`| ${name} | ${b.toFixed(2)} | ${h.toFixed(2)} | ${ratio} |`);
  }
}

function main(): number {
  const scratch = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-compare-"));
  const baseDir = join(scratch, "base");
  let failed = false;
  try {
    buildBase(baseDir);
    const dirs: Record<Side, string> = { base: baseDir, head: REPO };
    for (const bench of BENCHES) {
      const samples: Record<Side, Figures[]> = { base: [], head: [] };
      for (let round = 1; round <= ROUNDS; round++) {
        const order: Side[] = round % 2 === 1 ? ["base", "head"] : ["head", "base"];
        for (const side of order) {
          const figures = runOnce(bench, side, dirs[side], scratch, round);
          if (figures) samples[side].push(figures);
          else failed = true;
        }
      }
      printTable(bench, samples);
    }
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", baseDir], { cwd: REPO });
    rmSync(scratch, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
