// The drift report as Markdown (drift-report.md, and what the job prints): values in code spans.
import { shortType } from "../engine.ts";
import { code } from "../markdown.ts";
import { MASK } from "../secrets.ts";
import { showJson } from "../values.ts";
import { type DriftReport, plural } from "./report.ts";

export function renderReport(report: DriftReport): string {
  const title = report.project ? `${code(report.project)} (stack ${code(report.stack)})` : "this stack";
  const deleted = report.resources.filter((resource) => resource.drift === "deleted").length;
  const changed = report.resources.length - deleted + (report.unnamedChanges ?? 0);
  const lines = [`# Drift report: ${title}`, ""];
  if (report.status === "no-drift") {
    lines.push(
      `**No drift**: all ${plural(report.unchanged, "resource")} of the stack match the live records.`,
    );
  } else {
    lines.push(
      `**Drift found**: ${plural(changed + deleted, "resource")} ${changed + deleted === 1 ? "differs" : "differ"} from the stack's state ` +
        `(${changed} changed, ${deleted} deleted out of band); ${report.unchanged} unchanged.`,
    );
  }
  const identity = report.token
    ? `as the token ${code(report.token.name)} (role ${code(report.token.role)})`
    : "as no known token (no record was read, or the server does not name tokens)";
  lines.push(
    "",
    `Checked at ${report.checkedAt} with ${code(report.command)} (exit code ${report.exitCode}), ${identity}.`,
  );
  if (report.note) lines.push("", `> ${report.note}`);
  for (const resource of report.resources) {
    const label = `${code(shortType(resource.type))} ${code(resource.name)}`;
    lines.push("");
    if (resource.drift === "deleted") {
      lines.push(`## - deleted out of band: ${label}`, "");
      const id = resource.id ? ` (id ${code(resource.id)})` : "";
      lines.push(`The record${id} no longer exists on the server.`);
      continue;
    }
    lines.push(`## ~ changed: ${label}`, "", "| property | state | live |", "| --- | --- | --- |");
    for (const property of resource.properties) {
      const cells = property.secret
        ? [MASK, "changed (secret)"]
        : [showJson(property.state), showJson(property.live)];
      lines.push(
        `| ${code(property.property, true)} | ${cells.map((cell) => code(cell, true)).join(" | ")} |`,
      );
    }
  }
  if (report.status === "drift") {
    lines.push(
      "",
      "## What to do",
      "",
      "- To put the declared state back: `pulumi up --refresh` (recreates deleted records, overwrites changed properties, puts the known client secret back).",
      "- To keep the live values instead: change the program to match, then `pulumi refresh`.",
    );
  }
  return `${lines.join("\n")}\n`;
}
