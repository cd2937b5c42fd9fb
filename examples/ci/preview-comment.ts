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
// be read. Standalone on purpose: Node built-ins only, so it can be copied into any repository.
import { readFileSync } from "node:fs";

/** What the engine prints for a value that a later step computes. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key and value that mark a secret object in the engine's JSON (`{<sig>: <secret>, ...}`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const MASK = "[secret]";
/** Longest value shown in full; longer ones are cut with an ellipsis. */
const MAX_VALUE_LENGTH = 300;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ResourceState {
  urn?: string;
  type?: string;
  id?: string;
  inputs?: Record<string, Json>;
  outputs?: Record<string, Json>;
}

interface Step {
  op: string;
  urn: string;
  oldState?: ResourceState | null;
  newState?: ResourceState | null;
  detailedDiff?: Record<string, unknown> | null;
  diffReasons?: string[] | null;
  replaceReasons?: string[] | null;
}

export interface PreviewDocument {
  steps: Step[];
  changeSummary?: Record<string, number>;
  diagnostics?: Array<{ message?: string; severity?: string; urn?: string }>;
}

/** A value the engine marked secret ("[secret]" or a secret-signature object). */
function isSecretValue(value: unknown): boolean {
  if (value === MASK) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsSecret);
}

/** Properties whose value is never shown, whatever the engine marked (clientSecret, adminToken, ...). */
export function isSecretName(property: string): boolean {
  return /(secret|password|passphrase|privatekey|apikey|token)$/i.test(property);
}

/** Inputs and outputs the provider and Pulumi add (serialized code, seeds): never shown. */
export function isInternal(property: string): boolean {
  return property.startsWith("__");
}

/** The value with every secret replaced by "[secret]" and every unknown by "(known after apply)". */
export function maskValue(value: unknown): unknown {
  if (isSecretValue(value)) return MASK;
  if (value === UNKNOWN) return "(known after apply)";
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !isInternal(key))
        .map(([key, item]) => [key, isSecretName(key) ? MASK : maskValue(item)]),
    );
  }
  return value;
}

/** A value as one line of text: JSON, secrets masked, cut when long. */
function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const masked = maskValue(value);
  if (masked === MASK || masked === "(known after apply)") return masked;
  const text = JSON.stringify(masked) ?? String(masked);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/**
 * Text as a Markdown code span, so that no character in it is read as Markdown or HTML: the fence
 * is longer than any run of backticks inside; in a table cell, pipes are escaped (GFM).
 */
export function code(text: string, inTable = false): string {
  const oneLine = text.replace(/\r?\n|\r/g, " ");
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = /^[`\s]|[`\s]$/.test(oneLine) ? ` ${oneLine} ` : oneLine;
  const span = `${fence}${padded}${fence}`;
  return inTable ? span.replace(/\|/g, "\\|") : span;
}

/** Text as a fenced code block (for multi-line messages). */
function codeBlock(text: string): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → its parts. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return {
    stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""),
    project: parts[1] ?? "",
    type: qualifiedType.split("$").pop() ?? qualifiedType,
    name: parts.slice(3).join("::"),
  };
}

/** The type's own name: `pulumi-nodejs:dynamic/inbound-oauth:AuthScope` → `AuthScope`. */
export function shortType(type: string): string {
  return type.split(":").pop() || type;
}

/** Resources Pulumi adds itself (the stack, provider instances): not worth a section. */
function isPulumiInternalType(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

const OPERATION_ORDER = ["create", "update", "replace", "delete", "import", "read", "refresh", "discard"];
const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "±", delete: "-" };
/** Steps that are one half of a replacement: shown once, as "replace". */
const REPLACEMENT_HALVES = new Set([
  "create-replacement",
  "delete-replaced",
  "discard-replaced",
  "import-replacement",
]);

/** The changed properties of an update or replacement: top-level inputs that differ, plus any the engine named. */
function changedProperties(step: Step): string[] {
  const before = step.oldState?.inputs ?? {};
  const after = step.newState?.inputs ?? {};
  const named = [
    ...Object.keys(step.detailedDiff ?? {}),
    ...(step.diffReasons ?? []),
    ...(step.replaceReasons ?? []),
  ].map((path) => path.split(/[.[]/)[0] ?? path);
  const differing = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => !sameJson(before[key], after[key]),
  );
  return [...new Set([...differing, ...named])].filter((key) => !isInternal(key)).sort();
}

/** One property's old → new cells; a secret shows only that it changes. */
function changeCells(property: string, step: Step): [string, string] {
  const before = step.oldState?.inputs?.[property] ?? step.oldState?.outputs?.[property];
  const after = step.newState?.inputs?.[property];
  if (isSecretName(property) || containsSecret(before) || containsSecret(after)) {
    return [before === undefined ? "(unset)" : MASK, "changed (secret)"];
  }
  return [showValue(before), showValue(after)];
}

function heading(op: string, step: Step, state: ResourceState | null | undefined): string {
  const { name } = parseUrn(step.urn);
  const type = shortType(state?.type ?? parseUrn(step.urn).type);
  const symbol = SYMBOL[op] ? `${SYMBOL[op]} ` : "";
  return `#### ${symbol}${op} ${code(type)} ${code(name)}`;
}

function updateSection(op: "update" | "replace", step: Step): string {
  const forcing = (step.replaceReasons ?? []).filter((key) => !isInternal(key));
  const lines = [heading(op, step, step.newState ?? step.oldState), ""];
  if (op === "replace") {
    const cause = forcing.map((key) => code(key)).join(", ") || "the provider";
    lines.push(`> **Replacement**: the record is deleted and created anew, forced by ${cause}.`, "");
  }
  const properties = changedProperties(step);
  if (properties.length === 0) {
    lines.push("No visible property changes (only secret or computed values change).");
    return lines.join("\n");
  }
  lines.push("| property | old | new |", "| --- | --- | --- |");
  for (const property of properties) {
    const flag = forcing.includes(property) ? " **(forces replacement)**" : "";
    const [before, after] = changeCells(property, step);
    lines.push(`| ${code(property, true)}${flag} | ${code(before, true)} | ${code(after, true)} |`);
  }
  return lines.join("\n");
}

function createSection(step: Step): string {
  const inputs = step.newState?.inputs ?? {};
  const keys = Object.keys(inputs)
    .filter((key) => !isInternal(key))
    .sort();
  const lines = [heading("create", step, step.newState), ""];
  if (keys.length === 0) return lines.concat("No inputs.").join("\n");
  lines.push("| property | value |", "| --- | --- |");
  for (const key of keys) {
    const value = isSecretName(key) || containsSecret(inputs[key]) ? MASK : showValue(inputs[key]);
    lines.push(`| ${code(key, true)} | ${code(value, true)} |`);
  }
  return lines.join("\n");
}

function deleteSection(step: Step): string {
  const id = step.oldState?.id;
  const what = id ? `The resource and its record (id ${code(id)}) are deleted.` : "The resource is deleted.";
  return [heading("delete", step, step.oldState), "", what].join("\n");
}

/** The operations and their counts, in a fixed order (the engine's own counts when it gives them). */
function summaryLine(document: PreviewDocument, shown: Step[]): string {
  const counts: Record<string, number> = {};
  if (document.changeSummary) Object.assign(counts, document.changeSummary);
  else for (const step of shown) counts[step.op] = (counts[step.op] ?? 0) + 1;
  const same = counts.same ?? 0;
  const ops = Object.keys(counts)
    .filter((op) => op !== "same" && (counts[op] ?? 0) > 0)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const changes = ops.map((op) => `**${counts[op]} to ${op}**`);
  if (changes.length === 0) return `No changes: ${same} unchanged.`;
  return [...changes, `${same} unchanged`].join(" · ");
}

function rank(op: string): number {
  const index = OPERATION_ORDER.indexOf(op);
  return index === -1 ? OPERATION_ORDER.length : index;
}

/** The steps worth a section, one per resource: replacement halves fold into their replace step. */
function visibleSteps(steps: Step[]): Step[] {
  const replaced = new Set(steps.filter((step) => step.op === "replace").map((step) => step.urn));
  const seen = new Set<string>();
  const visible: Step[] = [];
  for (const step of steps) {
    if (step.op === "same") continue;
    const type = step.newState?.type ?? step.oldState?.type ?? parseUrn(step.urn).type;
    if (isPulumiInternalType(type)) continue;
    let shown = step;
    if (REPLACEMENT_HALVES.has(step.op)) {
      if (replaced.has(step.urn) || seen.has(step.urn)) continue;
      // --show-replacement-steps: the pair stands for one replacement.
      const pair = steps.filter((other) => other.urn === step.urn && REPLACEMENT_HALVES.has(other.op));
      shown = {
        ...step,
        op: "replace",
        oldState: pair.find((other) => other.op.startsWith("delete"))?.oldState ?? step.oldState ?? null,
        newState: pair.find((other) => other.op.endsWith("replacement"))?.newState ?? step.newState ?? null,
      };
    }
    if (seen.has(step.urn)) continue;
    seen.add(step.urn);
    visible.push(shown);
  }
  return visible;
}

function section(step: Step): string {
  switch (step.op) {
    case "create":
      return createSection(step);
    case "update":
      return updateSection("update", step);
    case "replace":
      return updateSection("replace", step);
    case "delete":
      return deleteSection(step);
    default:
      return heading(step.op, step, step.newState ?? step.oldState);
  }
}

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

/** Parses the preview document, with an error that says what is wrong with it. */
export function parsePreview(text: string, source: string): PreviewDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${source} is not JSON (${(error as Error).message}); expected the output of \`pulumi preview --diff --json\`.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as PreviewDocument).steps)) {
    throw new Error(`${source} has no "steps": expected the output of \`pulumi preview --diff --json\`.`);
  }
  return parsed as PreviewDocument;
}

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
