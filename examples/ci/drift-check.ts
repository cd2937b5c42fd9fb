// The scheduled drift job: compares a stack's state with the live records, changes nothing, and
// writes a drift report property by property.
//
//   node drift-check.ts [--stack NAME] [--cwd DIR] [--report-dir DIR]
//
// Runs `pulumi refresh --preview-only --expect-no-changes --json --non-interactive [--stack NAME]`
// in DIR (default: the current directory) with the `pulumi` on PATH, then writes drift-report.md
// and drift-report.json into the report dir (default: DIR) and prints the Markdown.
//
// Exit codes: 0 no drift; 7 drift (the engine's own code for "changes where none were expected");
// anything else: the check itself failed (pulumi's exit code, or 1), with a message on stderr and
// no report.
//
// It needs only read access: give it a viewer token in INBOUND_OAUTH_ADMIN_TOKEN, the only place the
// provider takes its token from (never the stack config, nor the copy of it a refresh would read
// from the state). The report names the token the check ran as (as the server names it, never its
// value); a token the server rejects fails the check with no report.
// Secret values are never printed: a rotated client secret shows as "changed (secret)".
// Standalone on purpose: Node built-ins only, so it can be copied into any repository, with its
// parts in lib/ (copy the folder too): lib/drift/ the job's own, lib/*.ts what it shares with
// preview-comment.ts (masking, values, Markdown, URNs).
import { USAGE, UsageError } from "./lib/drift/args.ts";
import { main } from "./lib/drift/main.ts";

export { parseArgs } from "./lib/drift/args.ts";
export type { EngineOutput, TokenIdentity } from "./lib/drift/engine-output.ts";
export { identityFrom, parseEngineOutput } from "./lib/drift/engine-output.ts";
export { type DriftedProperty, driftedProperties } from "./lib/drift/properties.ts";
export { renderReport } from "./lib/drift/render.ts";
export { buildReport, DRIFT_EXIT_CODE, type DriftedResource, type DriftReport } from "./lib/drift/report.ts";
export { REPORT_FILES } from "./lib/drift/report-files.ts";
export { isSecretName, maskValue } from "./lib/secrets.ts";

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`drift-check: ${(error as Error).message}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
