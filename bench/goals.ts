// The goals in one table, as the benchmarks of this run judged them: the last step of
// `make bench`. Each benchmark writes its goals into its report (bench/results/<name>.json,
// `goals`: bench/lib/goals.ts); this reads the reports of BENCH_GOALS_FROM (default: every
// benchmark of `make bench`) and prints them with when each ran. It measures nothing itself; a
// missing report is named, not skipped silently. Exit code 0: a goal not met is a figure, not a
// failure (each benchmark's own exit code says whether its run was valid).
//
//   node dist/bench/goals.js

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runMain } from "./lib/cleanup";
import { listFromEnv, RESULTS_DIR, table } from "./lib/common";
import type { GoalRow } from "./lib/goals";

const BENCHMARKS = listFromEnv(
  "BENCH_GOALS_FROM",
  "management-api,oauth-flows,provider-overhead,pulumi-engine",
);

interface Report {
  generatedAt?: string;
  valid?: boolean;
  goals?: GoalRow[];
}

async function main(): Promise<number> {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const name of BENCHMARKS) {
    const file = join(RESULTS_DIR, `${name}.json`);
    if (!existsSync(file)) {
      notes.push(`- ${name}: no report (bench/results/${name}.json): it did not run.`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8")) as Report;
    const when = `${report.generatedAt ?? "unknown time"}${report.valid === false ? ", INVALID run" : ""}`;
    if (!report.goals?.length) {
      notes.push(`- ${name} (${when}): its report judges no goal.`);
      continue;
    }
    notes.push(`- ${name}: ${when}.`);
    for (const goal of report.goals) rows.push([name, goal.measure, goal.figure, goal.goal, goal.met]);
  }
  const met = rows.filter((row) => row[4] === "yes").length;
  process.stdout.write(
    [
      "## The goals, as this run measured them",
      "",
      table(["benchmark", "measure", "figure", "goal", "met"], rows, new Set()),
      "",
      `${met} of ${rows.length} goals met in every round. Reports read:`,
      ...notes,
      "",
    ].join("\n"),
  );
  return 0;
}

runMain(main);
