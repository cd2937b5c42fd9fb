// The report files in the report dir: removed before a check, written (JSON and Markdown) after one
// that finished, so that a failed check never leaves a report behind.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DriftReport } from "./report.ts";

export const REPORT_FILES = { markdown: "drift-report.md", json: "drift-report.json" } as const;

/** Removes the reports an earlier run left: they must not pass for this run's. */
export function removeReports(reportDir: string): void {
  for (const file of Object.values(REPORT_FILES)) rmSync(join(reportDir, file), { force: true });
}

/** Writes drift-report.json (the report as it is) and drift-report.md (its rendering). */
export function writeReports(reportDir: string, report: DriftReport, markdown: string): void {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, REPORT_FILES.json), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(reportDir, REPORT_FILES.markdown), markdown);
}
