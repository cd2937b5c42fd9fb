// One Markdown section per resource of a preview: its operation, and the properties it changes.
import { parseUrn, type ResourceState, shortType } from "../engine.ts";
import { code } from "../markdown.ts";
import { containsSecret, isInternal, isSecretName, MASK, maskValue as maskSecrets } from "../secrets.ts";
import { sameJson, showJson } from "../values.ts";
import type { Step } from "./document.ts";

/** What the engine prints for a value that a later step computes. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const KNOWN_AFTER_APPLY = "(known after apply)";
const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "±", delete: "-" };

/** The value with every secret replaced by "[secret]" and every unknown by "(known after apply)". */
export function maskValue(value: unknown): unknown {
  return maskSecrets(value, (scalar) => (scalar === UNKNOWN ? KNOWN_AFTER_APPLY : scalar));
}

/** A value as one line of text: JSON, secrets masked, cut when long. */
function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const masked = maskValue(value);
  if (masked === MASK || masked === KNOWN_AFTER_APPLY) return masked;
  return showJson(masked);
}

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

/** The section of a step worth one (see visibleSteps). */
export function section(step: Step): string {
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
