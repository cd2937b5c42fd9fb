// The drift job: checks its token, runs the refresh preview, and tells drift (exit 7, a report)
// from no drift (exit 0, a report) and from a check that failed (any other code, no report).
import { statSync } from "node:fs";
import { parseArgs, USAGE } from "./args.ts";
import { type EngineOutput, emptyOutput, parseEngineOutput } from "./engine-output.ts";
import { type PulumiResult, runPulumi } from "./pulumi.ts";
import { renderReport } from "./render.ts";
import { buildReport, DRIFT_EXIT_CODE } from "./report.ts";
import { removeReports, writeReports } from "./report-files.ts";

/** Where the check's token comes from (the provider reads it there, and only there). */
const TOKEN_ENV = "INBOUND_OAUTH_ADMIN_TOKEN";

/** Runs the check; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseArgs(args);
  if (!statSync(options.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${options.cwd} is not a directory (--cwd: the Pulumi project's folder)`);
  }
  removeReports(options.reportDir);
  if (!process.env[TOKEN_ENV]?.trim()) {
    throw new Error(
      `${TOKEN_ENV} is not set: give the check the token it runs with (a viewer token, e.g. ` +
        "`inbound-oauth admin-token create --name drift-job --role viewer`). The provider takes its token " +
        "from there only, never from the stack config or a copy in the state; no drift report was written.",
    );
  }
  const pulumiArgs = ["refresh", "--preview-only", "--expect-no-changes", "--json", "--non-interactive"];
  if (options.stack) pulumiArgs.push("--stack", options.stack);
  const command = `pulumi ${pulumiArgs.join(" ")}`;
  let result: PulumiResult;
  try {
    result = await runPulumi(pulumiArgs, options.cwd);
  } catch (error) {
    throw new Error(`could not run pulumi (is it on PATH?): ${(error as Error).message}`);
  }
  let output: EngineOutput | undefined;
  let unreadable: string | undefined;
  try {
    output = parseEngineOutput(result.stdout);
  } catch (error) {
    unreadable = (error as Error).message;
  }
  const drifted = result.code === DRIFT_EXIT_CODE;
  if ((result.code !== 0 && !drifted) || output?.failed || (!output && !drifted)) {
    const reasons = [...new Set(output?.errors ?? [])];
    if (unreadable && result.code === 0) reasons.push(`pulumi's output could not be read: ${unreadable}`);
    const stderr = result.stderr.trim();
    const lines = [
      `drift-check: \`${command}\` failed (exit code ${result.code}) in ${options.cwd}; no drift report was written.`,
      ...reasons,
      ...(stderr ? [stderr] : []),
    ];
    process.stderr.write(`${lines.join("\n")}\n`);
    return result.code === 0 || result.code === DRIFT_EXIT_CODE ? 1 : result.code;
  }
  const report = buildReport(output ?? emptyOutput(), {
    exitCode: result.code,
    checkedAt: new Date().toISOString(),
    command,
    ...(options.stack ? { stack: options.stack } : {}),
  });
  if (unreadable) report.note = `The engine reported drift, but its output could not be read: ${unreadable}`;
  const markdown = renderReport(report);
  writeReports(options.reportDir, report, markdown);
  process.stdout.write(markdown);
  return report.status === "drift" ? DRIFT_EXIT_CODE : 0;
}
