import { PROVIDER_RESOURCES } from "../resources";
import {
  type PulumiPackageSchema,
  type PulumiPropertySpec,
  type PulumiResourceSpec,
  type PulumiTypeSpec,
  TOKEN_DOC,
} from "./build";

/**
 * The resource reference (docs/resources.md), rendered from the Pulumi package schema so the
 * documentation and the code cannot drift apart: the provider configuration, then per resource a
 * table of inputs and a table of the outputs that are not inputs.
 */

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

/** How the declared state is kept: what removal, out-of-band changes and re-creation do. */
export const CONVERGENCE = [
  "## How the declared state is kept",
  "",
  "After `pulumi up --refresh` the server holds exactly what the program declares (generated values aside: a",
  "clientId or clientSecret the program leaves out is generated once and then kept).",
  "",
  "- **Removing a property from the program** is a change: `pulumi preview` shows it (`- logoUrl`), and `pulumi up`",
  "  clears it on the server (an optional property such as `loginUrl` or `logoUrl` is then unset; one with a",
  "  default goes back to its default). Only `clientId` is the exception: leaving it out keeps the current one.",
  "- **A change made out of band** (console or management API) — a field set, changed or cleared, a rotated",
  "  client secret (seen through its fingerprint), a deleted record — shows in `pulumi refresh` and in the drift",
  "  check `pulumi refresh --preview-only --expect-no-changes` (exit code 7), property by property, including an",
  "  optional property the program does not declare. `pulumi up --refresh` puts the declared state back: a",
  "  property the program does not declare is cleared again, a rotated secret is set back to the one Pulumi holds,",
  "  and a deleted record is created again.",
  "- **Re-creation works any number of times.** A create carries an Idempotency-Key derived from the project,",
  "  stack, resource name and inputs, so a create whose answer was lost (a crash, a dropped connection) is",
  "  replayed by the server instead of making a second record, and the rerun takes that record over. When the key",
  "  replays a record that has since been deleted (the stack was destroyed, or the record deleted out of band),",
  "  the next key is derived from that deleted record's id, and so on: each destroy/up cycle gets a new record,",
  "  and a lost answer in any cycle is still replayed. The server keeps replays for 24 hours.",
  "- **Making a public client confidential** without declaring `clientSecret` generates a 256-bit secret and",
  "  sends it; Pulumi holds it as the `clientSecret` output.",
  "- **Limit:** if every answer to a create is lost (the up fails) and the program is then changed before the next",
  "  `pulumi up`, the new inputs give a new key: with the same name the create is refused as taken (set",
  "  `adopt: true` to take the record over); with another name the first record is left behind and must be deleted",
  "  by hand. Rerun the failed `pulumi up` unchanged first.",
];

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
