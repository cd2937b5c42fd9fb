// Which steps of a preview get a section, and the line that counts the operations.
import { parseUrn } from "../engine.ts";
import type { PreviewDocument, Step } from "./document.ts";

const OPERATION_ORDER = ["create", "update", "replace", "delete", "import", "read", "refresh", "discard"];
/** Steps that are one half of a replacement: shown once, as "replace". */
const REPLACEMENT_HALVES = new Set([
  "create-replacement",
  "delete-replaced",
  "discard-replaced",
  "import-replacement",
]);

/** Resources Pulumi adds itself (the stack, provider instances): not worth a section. */
function isPulumiInternalType(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** The operations and their counts, in a fixed order (the engine's own counts when it gives them). */
export function summaryLine(document: PreviewDocument, shown: Step[]): string {
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
export function visibleSteps(steps: Step[]): Step[] {
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
