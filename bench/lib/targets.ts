// The targets of a benchmark that runs several (management-api, oauth-flows): the ones
// BENCH_TARGETS selects, in their fixed order, each run so that its failure does not stop the next.
import { mkdirSync } from "node:fs";
import { isInterrupted } from "./cleanup";
import { log, messageOf } from "./common";
import { type BenchDatabaseOptions, type DatabaseInfo, withBenchDatabase } from "./database-target";
import { writeReport } from "./report";

/** Throws for a name of selected (from the environment variable `variable`) that is not in known. */
export function checkNames(
  selected: readonly string[],
  known: readonly string[],
  what: string,
  variable: string,
) {
  for (const name of selected) {
    if (!known.includes(name)) throw new Error(`unknown ${what} "${name}" in ${variable}`);
  }
}

/**
 * The results of the targets in keys that settings.targets selects, in the order of keys (none after
 * Ctrl-C), once the folder for the servers' CPU profiles is made.
 */
export async function benchSelected<K extends string, R>(
  keys: readonly K[],
  settings: { targets: readonly string[]; cpuProfileDir?: string | undefined },
  bench: (key: K) => Promise<R>,
): Promise<R[]> {
  if (settings.cpuProfileDir) mkdirSync(settings.cpuProfileDir, { recursive: true });
  const results: R[] = [];
  for (const key of keys) {
    if (!settings.targets.includes(key) || isInterrupted()) continue;
    results.push(await bench(key));
  }
  return results;
}

/** What runTarget fills in of a target's result. */
export interface TargetOutcome {
  key: string;
  database?: DatabaseInfo;
  error?: string;
}

/** The database a target runs on, and how it differs from the default. */
export interface TargetDatabase {
  kind: "sqlite" | "postgres";
  options?: BenchDatabaseOptions;
}

/**
 * Runs one target and returns its result. A target named after a database ("sqlite", "postgres"),
 * or given one, runs onDatabase on a fresh one (described in result.database,
 * bench/lib/database-target.ts), any other runs alone. A failure is kept in result.error and
 * logged, not thrown, so the next target runs.
 */
export async function runTarget<R extends TargetOutcome>(
  result: R,
  alone: () => Promise<void>,
  onDatabase: (database: "sqlite" | "postgres", location: string) => Promise<void>,
  given?: TargetDatabase,
): Promise<R> {
  const database =
    given?.kind ?? (result.key === "sqlite" || result.key === "postgres" ? result.key : undefined);
  try {
    if (!database) {
      await alone();
    } else {
      await withBenchDatabase(
        database,
        (info) => {
          result.database = info;
        },
        (location) => onDatabase(database, location),
        given?.options,
      );
    }
  } catch (error) {
    result.error = messageOf(error);
    log(`${result.key} failed: ${result.error}`);
  }
  return result;
}

/**
 * The end of a run over targets: sets report.valid (every target ran and every part of it, a
 * workload's run or a phase, is valid), puts the report out (writeReport) and, when the run is
 * invalid, prints what failed (each target's error, then describe's lines of each invalid part).
 * Returns the exit code: 1 for an invalid run.
 */
export function finishRun<
  R extends { targets: Array<{ label: string; error?: string }>; valid: boolean },
  P extends { valid: boolean },
>(
  file: string,
  report: R,
  markdown: (report: R) => string,
  parts: (target: R["targets"][number]) => P[],
  describe: (target: R["targets"][number], part: P) => string[],
): number {
  const { targets } = report;
  report.valid = targets.every((t) => !t.error && parts(t).every((p) => p.valid));
  writeReport(file, report, markdown);
  if (report.valid) return 0;
  process.stdout.write("\n**INVALID RUN**: some requests failed or a target did not run.\n\n");
  for (const target of targets) {
    if (target.error) process.stdout.write(`- ${target.label}: ${target.error}\n`);
    for (const part of parts(target)) {
      if (!part.valid) for (const line of describe(target, part)) process.stdout.write(`${line}\n`);
    }
  }
  return 1;
}
