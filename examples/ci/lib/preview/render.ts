// The PR comment: a hidden marker (the workflow finds its earlier comment by it), the counts, one
// section per changed resource, and the engine's errors.
import { parseUrn } from "../engine.ts";
import { code, codeBlock } from "../markdown.ts";
import type { PreviewDocument } from "./document.ts";
import { section } from "./sections.ts";
import { summaryLine, visibleSteps } from "./steps.ts";

/** The PR comment for a preview document. */
export function renderPreview(document: PreviewDocument): string {
  const first = document.steps[0]?.urn;
  const { stack, project } = first ? parseUrn(first) : { stack: "", project: "" };
  const label = project ? `${code(project)} (stack ${code(stack)})` : "this stack";
  const marker = `<!-- pulumi-preview: ${`${project}/${stack}`.replace(/-->|[<>]/g, "")} -->`;
  const shown = visibleSteps(document.steps);
  const parts = [marker, `### Pulumi preview: ${label}`, summaryLine(document, shown)];
  parts.push(...shown.map(section));
  const errors = [
    ...new Set(
      (document.diagnostics ?? [])
        .filter((diagnostic) => diagnostic.severity === "error" && diagnostic.message)
        .map((diagnostic) => (diagnostic.message ?? "").trim()),
    ),
  ];
  if (errors.length) parts.push("#### Errors", ...errors.map(codeBlock));
  return `${parts.join("\n\n")}\n`;
}
