import { z } from "zod";
import { PULUMI_PACKAGE } from "../../../server/src/contract";
import { PROVIDER_RESOURCES, type ProviderResource } from "../resources";

/**
 * The Pulumi package schema (schema.json) of the resources the provider manages, built from their
 * manifests (server/src/contract/manifests/: description, outputs, docs) and the zod contract, so
 * the published schema and the code cannot drift apart.
 * Format: Pulumi's package metaschema (pkg/codegen/schema/pulumi.json in pulumi/pulumi).
 */

export const PACKAGE_NAME = PULUMI_PACKAGE;

export type PulumiPrimitive = "string" | "boolean" | "integer" | "number";

export interface PulumiTypeSpec {
  type: PulumiPrimitive | "array";
  items?: PulumiTypeSpec;
}

export interface PulumiPropertySpec extends PulumiTypeSpec {
  description: string;
  /** Pulumi defaults are primitives only (the metaschema allows boolean, number and string). */
  default?: string | number | boolean;
  defaultInfo?: { environment: string[] };
  secret?: true;
  /** A change to this property replaces the resource (Pulumi's per-property flag). */
  replaceOnChanges?: true;
}

export interface PulumiResourceSpec {
  description: string;
  /** Outputs: every input the record keeps, then what the server and the provider add. */
  properties: Record<string, PulumiPropertySpec>;
  /** Outputs always present. */
  required: string[];
  inputProperties: Record<string, PulumiPropertySpec>;
  requiredInputs: string[];
}

export interface PulumiPackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  config: { variables: Record<string, PulumiPropertySpec> };
  resources: Record<string, PulumiResourceSpec>;
}

/** The provider-only input every resource has (PROVIDER_INPUTS in ../resources). */
export const ADOPT_PROPERTY: PulumiPropertySpec = {
  type: "boolean",
  description:
    "Take over an existing record with the same name instead of failing when one exists. Dynamic providers cannot use `pulumi import`, so adoption is how existing records come under management.",
  default: false,
};

/**
 * The provider's stack config. The admin token is not among it: the provider reads the token only
 * from INBOUND_OAUTH_ADMIN_TOKEN in each command's environment (see ../config.ts and TOKEN_DOC).
 */
export const CONFIG_VARIABLES: Record<string, PulumiPropertySpec> = {
  endpoint: {
    type: "string",
    description:
      "Base URL (scheme, host and port) of the inbound-oauth server whose management API the provider calls. Stack config `inbound-oauth:endpoint`, or the `INBOUND_OAUTH_ENDPOINT` environment variable.",
    defaultInfo: { environment: ["INBOUND_OAUTH_ENDPOINT"] },
  },
};

/** What docs/resources.md says of the admin token, which is no config variable. */
export const TOKEN_DOC =
  "The admin token is not a stack config setting: each command (preview, up, refresh, destroy, the drift job) " +
  "takes it from the `INBOUND_OAUTH_ADMIN_TOKEN` environment variable of its own process, and only from there. " +
  "Pulumi records a dynamic provider's stack config in the state and a refresh or destroy runs with that recorded copy, " +
  "so a token kept in `inbound-oauth:adminToken` would outlive `pulumi config rm` and a rotation: the provider ignores " +
  "that key (with a warning) and fails, saying so, when the environment has no token.";

/**
 * Descriptions of properties whose contract schema has no `.describe()` text, by type token: each
 * manifest's `pulumi.fieldDocs`. A test fails when the contract gains one, so these only shrink.
 */
export const DESCRIPTIONS_NOT_IN_CONTRACT: Record<
  string,
  Readonly<Record<string, string>>
> = Object.fromEntries(PROVIDER_RESOURCES.map((kind) => [kind.token, kind.manifest.pulumi.fieldDocs]));

type JsonSchema = {
  type?: string | string[];
  items?: JsonSchema;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: "throw" }) as JsonSchema;
}

/** The Pulumi type of a JSON schema; `null` in a type list only makes the output optional. */
function pulumiType(json: JsonSchema, where: string): PulumiTypeSpec {
  const types = (Array.isArray(json.type) ? json.type : [json.type]).filter((t) => t !== "null");
  const [type] = types;
  if (
    types.length === 1 &&
    (type === "string" || type === "boolean" || type === "integer" || type === "number")
  ) {
    return { type };
  }
  if (types.length === 1 && type === "array" && json.items) {
    return { type: "array", items: pulumiType(json.items, `${where}[]`) };
  }
  throw new Error(`${where}: no Pulumi type for the JSON schema ${JSON.stringify(json)}`);
}

function describe(token: string, name: string, fromContract: string | undefined): string {
  const description = fromContract ?? DESCRIPTIONS_NOT_IN_CONTRACT[token]?.[name];
  if (!description) throw new Error(`${token}.${name}: no description (add .describe() to the contract)`);
  return description;
}

function inputProperty(kind: ProviderResource, name: string, json: JsonSchema): PulumiPropertySpec {
  const where = `${kind.token}.${name}`;
  const spec: PulumiPropertySpec = {
    ...pulumiType(json, where),
    description: describe(kind.token, name, json.description),
  };
  if (json.default !== undefined) {
    const value = json.default;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      spec.default = value;
    } else if (!(Array.isArray(value) && value.length === 0)) {
      // An empty list default needs no mention: the property is optional and the provider fills it.
      throw new Error(`${where}: Pulumi defaults are primitives only, not ${JSON.stringify(value)}`);
    }
  }
  if (kind.secretInputs.includes(name)) spec.secret = true;
  if (kind.replaceOnChanges.includes(name)) spec.replaceOnChanges = true;
  return spec;
}

function assertInputs(
  kind: ProviderResource,
  names: readonly string[],
  inputs: Record<string, unknown>,
): void {
  for (const name of names) {
    if (!(name in inputs)) throw new Error(`${kind.token}: "${name}" is not an input property`);
  }
}

export function buildResource(kind: ProviderResource): PulumiResourceSpec {
  const doc = kind.manifest.pulumi;
  const input = jsonSchemaOf(kind.input, "input");
  const inputProperties: Record<string, PulumiPropertySpec> = {};
  for (const [name, json] of Object.entries(input.properties ?? {})) {
    inputProperties[name] = inputProperty(kind, name, json);
  }
  assertInputs(kind, kind.secretInputs, inputProperties);
  assertInputs(kind, kind.replaceOnChanges, inputProperties);

  const record = jsonSchemaOf(kind.manifest.schemas.record, "output");
  const recordProperties = record.properties ?? {};
  const alwaysInRecord = new Set(
    (record.required ?? []).filter((name) => {
      const type = recordProperties[name]?.type;
      return !(Array.isArray(type) && type.includes("null"));
    }),
  );

  const properties: Record<string, PulumiPropertySpec> = {};
  for (const [name, { default: _default, defaultInfo: _info, ...spec }] of Object.entries(inputProperties)) {
    properties[name] = spec;
  }
  for (const name of doc.recordOutputs) {
    const json = recordProperties[name];
    if (!json) throw new Error(`${kind.token}: the record has no "${name}"`);
    properties[name] = {
      ...pulumiType(json, `${kind.token}.${name}`),
      description: describe(kind.token, name, json.description),
    };
  }
  for (const [name, description] of Object.entries(doc.computedOutputs)) {
    properties[name] = { type: "string", description };
  }
  const computed = new Set(Object.keys(doc.computedOutputs));
  const required = Object.keys(properties).filter((name) => alwaysInRecord.has(name) || computed.has(name));

  inputProperties.adopt = { ...ADOPT_PROPERTY };
  return {
    description: doc.description,
    properties,
    required,
    inputProperties,
    requiredInputs: [...(input.required ?? [])],
  };
}

export function buildPulumiSchema(version: string): PulumiPackageSchema {
  return {
    name: PACKAGE_NAME,
    displayName: "Inbound OAuth",
    version,
    description:
      "OAuth inbound integrations as code: authorization code grant integrations, auth scopes and REST API access policies of an inbound-oauth server, managed by a Pulumi dynamic provider.",
    keywords: ["pulumi", "oauth", "oauth2", "authorization-code", "category/utility"],
    license: "Apache-2.0",
    config: { variables: structuredClone(CONFIG_VARIABLES) },
    resources: Object.fromEntries(PROVIDER_RESOURCES.map((kind) => [kind.token, buildResource(kind)])),
  };
}

/** schema.json as committed: two-space JSON and a final newline. */
export function renderPulumiSchema(version: string): string {
  return `${JSON.stringify(buildPulumiSchema(version), null, 2)}\n`;
}
