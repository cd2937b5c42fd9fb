import { PROVIDER_RESOURCES } from "../resources";
import {
  type PulumiPackageSchema,
  type PulumiPropertySpec,
  type PulumiResourceSpec,
  type PulumiTypeSpec,
  TOKEN_DOC,
} from "./build";
import { CONVERGENCE } from "./convergence";

/**
 * The resource reference (docs/resources.md), rendered from the Pulumi package schema so the
 * documentation and the code cannot drift apart: the provider configuration, then per resource a
 * table of inputs and a table of the outputs that are not inputs.
 */

export { CONVERGENCE };

/** The npm package that exports the resource classes (sdk/package.json). */
export const SDK_PACKAGE = "@inbound-oauth/pulumi";

/** The order resources appear in: the manifests' order, the main resource first, then what it refers to. */
export const RESOURCE_ORDER: readonly string[] = PROVIDER_RESOURCES.map((resource) => resource.className);

/** What an empty table cell shows. */
export const NONE = "—";

export const NOTE_SECRET = "secret";
export const NOTE_REPLACES = "replaces the resource on change";

/** The class name of a type token (`inbound-oauth:index:AuthScope` → `AuthScope`). */
export function className(token: string): string {
  const name = token.split(":").at(-1);
  if (!name || token.split(":").length !== 3) throw new Error(`"${token}" is not a Pulumi type token`);
  return name;
}

/** How a Pulumi type reads in TypeScript terms: `string`, `integer`, `string[]`. */
export function renderType(spec: PulumiTypeSpec): string {
  if (spec.type === "array") {
    if (!spec.items) throw new Error("an array type without items");
    return `${renderType(spec.items)}[]`;
  }
  return spec.type;
}

/** A default as it is written in a program: `false`, `1800`, `"Opaque"`; none is a dash. */
export function renderDefault(value: PulumiPropertySpec["default"]): string {
  return value === undefined ? NONE : code(JSON.stringify(value));
}

/** The notes cell of an input: secret, and whether a change replaces the resource. */
export function renderNotes(spec: PulumiPropertySpec): string {
  const notes = [spec.secret ? NOTE_SECRET : undefined, spec.replaceOnChanges ? NOTE_REPLACES : undefined];
  const present = notes.filter((note): note is string => note !== undefined);
  return present.length > 0 ? present.join("; ") : NONE;
}

function code(text: string): string {
  if (text.includes("`")) throw new Error(`cannot put ${JSON.stringify(text)} in a code span`);
  return `\`${text}\``;
}

/** A table cell: one line, and a pipe does not end the cell. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

const yesNo = (value: boolean): string => (value ? "yes" : "no");

function renderConfig(schema: PulumiPackageSchema): string[] {
  const rows = Object.entries(schema.config.variables).map(([name, spec]) => [
    code(`${schema.name}:${name}`),
    (spec.defaultInfo?.environment ?? []).map(code).join(", ") || NONE,
    yesNo(spec.secret === true),
    spec.description,
  ]);
  return [
    "## Provider configuration",
    "",
    "The provider reads each setting from the stack configuration first, then from its environment variable.",
    "",
    ...table(["Stack config key", "Environment variable", "Secret", "Description"], rows),
    "",
    TOKEN_DOC,
  ];
}

function renderInputs(resource: PulumiResourceSpec): string[] {
  const required = new Set(resource.requiredInputs);
  const rows = Object.entries(resource.inputProperties).map(([name, spec]) => [
    code(name),
    code(renderType(spec)),
    yesNo(required.has(name)),
    renderDefault(spec.default),
    renderNotes(spec),
    spec.description,
  ]);
  return [
    "### Inputs",
    "",
    ...table(["Property", "Type", "Required", "Default", "Notes", "Description"], rows),
  ];
}

function renderOutputs(resource: PulumiResourceSpec): string[] {
  const inputs = Object.keys(resource.inputProperties);
  const notOutputs = inputs.filter((name) => !(name in resource.properties));
  const always = new Set(resource.required);
  const rows = Object.entries(resource.properties)
    .filter(([name]) => !(name in resource.inputProperties))
    .map(([name, spec]) => [code(name), code(renderType(spec)), yesNo(always.has(name)), spec.description]);
  const except =
    notOutputs.length > 0
      ? ` (except ${notOutputs.map(code).join(", ")}, which only steers the provider)`
      : "";
  return [
    "### Outputs",
    "",
    `Every input is also an output${except}. The outputs that are not inputs:`,
    "",
    ...table(["Property", "Type", "Always present", "Description"], rows),
  ];
}

function renderResource(token: string, resource: PulumiResourceSpec): string[] {
  const name = className(token);
  return [
    `## ${name}`,
    "",
    `Type token ${code(token)}.`,
    "",
    "```ts",
    `import { ${name} } from "${SDK_PACKAGE}";`,
    "```",
    "",
    resource.description,
    "",
    ...renderInputs(resource),
    "",
    ...renderOutputs(resource),
  ];
}

/** The resources of the schema in RESOURCE_ORDER; a resource missing from the order is an error. */
function orderedResources(schema: PulumiPackageSchema): [string, PulumiResourceSpec][] {
  const entries = Object.entries(schema.resources);
  const unordered = entries
    .map(([token]) => className(token))
    .filter((name) => !RESOURCE_ORDER.includes(name));
  if (unordered.length > 0) throw new Error(`add ${unordered.join(", ")} to RESOURCE_ORDER`);
  const missing = RESOURCE_ORDER.filter((name) => !entries.some(([token]) => className(token) === name));
  if (missing.length > 0) throw new Error(`the schema has no resource ${missing.join(", ")}`);
  return RESOURCE_ORDER.map((name) => entries.find(([token]) => className(token) === name)!);
}

/** docs/resources.md as committed: Markdown with a final newline. */
export function renderResourceDocs(schema: PulumiPackageSchema): string {
  const lines = [
    "<!-- Generated from the Pulumi package schema by provider/scripts/generate-docs.ts: do not edit, run `make generate`. -->",
    "",
    `# ${schema.displayName} resources`,
    "",
    `${schema.description}`,
    "",
    `Package ${code(SDK_PACKAGE)}, version ${schema.version}; Pulumi package ${code(schema.name)}.`,
    `The same facts, machine-readable, are in ${code("schema.json")} at the top of the repository.`,
    "",
    ...renderConfig(schema),
    "",
    ...CONVERGENCE,
    ...orderedResources(schema).flatMap(([token, resource]) => ["", ...renderResource(token, resource)]),
  ];
  return `${lines.join("\n")}\n`;
}
