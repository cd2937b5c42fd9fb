// The pull-request job's renderer: turns the JSON document of `pulumi preview --diff --json` into a
// Markdown summary fit for a PR comment.
//
//   pulumi preview --diff --json --stack dev > preview.json
//   node preview-comment.ts preview.json > comment.md        (or: ... | node preview-comment.ts)
//
// Per resource: its operation, each changed property old → new, replacements flagged with the
// property that forces them, creates with their inputs, deletes; unchanged resources are only
// counted. Secret values are never printed (see maskValue); the provider's internals (__provider,
// __resource, __declared) are hidden. Exit 0 with the Markdown on stdout, 1 when the input cannot
// be read. Standalone on purpose: Node built-ins only, so it can be copied into any repository, with
// its parts in lib/ (copy the folder too): lib/preview/ the job's own, lib/*.ts what it shares with
// drift-check.ts (masking, values, Markdown, URNs).
import { readFileSync } from "node:fs";
import { parsePreview } from "./lib/preview/document.ts";
import { renderPreview } from "./lib/preview/render.ts";

export { parseUrn, shortType } from "./lib/engine.ts";
export { code } from "./lib/markdown.ts";
export { type PreviewDocument, parsePreview } from "./lib/preview/document.ts";
export { renderPreview } from "./lib/preview/render.ts";
export { maskValue } from "./lib/preview/sections.ts";
export { isInternal, isSecretName } from "./lib/secrets.ts";

function main(args: string[]): void {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write("usage: node preview-comment.ts [preview.json]   (reads stdin when no file or -)\n");
    return;
  }
  const file = args[0] && args[0] !== "-" ? args[0] : undefined;
  const source = file ?? "standard input";
  let text: string;
  try {
    text = readFileSync(file ?? 0, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${source}: ${(error as Error).message}`);
  }
  if (!text.trim())
    throw new Error(`${source} is empty; expected the output of \`pulumi preview --diff --json\`.`);
  process.stdout.write(renderPreview(parsePreview(text, source)));
}

if (import.meta.main) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`preview-comment: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
