// The closing line of `make test`: every tier's counts added up, as "tests: N passed, N failed,
// N skipped" alone on the last line, the plain closing line CI reads to count what ran (jest's own
// summary is not one CI reads). The jest tier's counts come from its --json report, the fuzz
// tier's from the file it writes (writeCounts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../bench/lib/common";

export interface Counts {
  passed: number;
  failed: number;
  skipped?: number;
}

const DIR = join(REPO, "test-output");
export const JEST_REPORT = join(DIR, "jest-results.json");

/** Records one tier's counts for the closing line. */
export function writeCounts(tier: string, counts: Counts): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${tier}-counts.json`), `${JSON.stringify(counts)}\n`);
}

/** The counts in jest's --json report. */
export function jestCounts(report: {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  numRuntimeErrorTestSuites?: number;
}): Counts {
  return {
    passed: report.numPassedTests,
    // A suite that failed to run has no failed test of its own; it counts as one failure.
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: report.numPendingTests + (report.numTodoTests ?? 0),
  };
}

/** "tests: N passed, N failed, N skipped", the sum of the tiers. */
export function closingLine(tiers: Counts[]): string {
  const sum = (pick: (c: Counts) => number) => tiers.reduce((total, c) => total + pick(c), 0);
  return `tests: ${sum((c) => c.passed)} passed, ${sum((c) => c.failed)} failed, ${sum((c) => c.skipped ?? 0)} skipped`;
}

function main(tiers: string[]): number {
  const counts: Counts[] = [];
  for (const tier of tiers) {
    const file = tier === "jest" ? JEST_REPORT : join(DIR, `${tier}-counts.json`);
    if (!existsSync(file)) {
      process.stderr.write(`test counts: ${file} is missing: the ${tier} tier did not finish\n`);
      return 1;
    }
    const parsed = JSON.parse(readFileSync(file, "utf8"));
    counts.push(tier === "jest" ? jestCounts(parsed) : (parsed as Counts));
  }
  const line = closingLine(counts);
  process.stdout.write(`${line}\n`);
  return counts.some((c) => c.failed > 0) ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
