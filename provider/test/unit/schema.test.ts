import { readFileSync } from "node:fs";
import { z } from "zod";
import { ApiAccessPolicySchema, AuthScopeSchema, IntegrationSchema } from "../../../server/src/contract";
import { VERSION } from "../../../server/src/version";
import { findRepoRoot, renderSchema, schemaPath } from "../../scripts/generate-schema";
import { PROVIDER_INPUTS, PROVIDER_RESOURCES, type ProviderResource } from "../../src/resources";
import {
  buildPulumiSchema,
  DESCRIPTIONS_NOT_IN_CONTRACT,
  type PulumiPropertySpec,
  type PulumiTypeSpec,
} from "../../src/schema/build";

const schema = buildPulumiSchema(VERSION);
const KINDS = PROVIDER_RESOURCES.map((kind) => [kind.token, kind] as const);

const resourceOf = (kind: ProviderResource) => {
  const resource = schema.resources[kind.token];
  if (!resource) throw new Error(`schema.json has no resource ${kind.token}`);
  return resource;
};

/** The Pulumi type of a zod field, read from zod's own classes (not through z.toJSONSchema). */
function pulumiTypeOf(field: z.ZodType): PulumiTypeSpec {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodString || inner instanceof z.ZodStringFormat || inner instanceof z.ZodEnum) {
    return { type: "string" };
  }
  if (inner instanceof z.ZodBoolean) return { type: "boolean" };
  if (inner instanceof z.ZodNumber) return { type: inner.isInt ? "integer" : "number" };
  if (inner instanceof z.ZodArray) return { type: "array", items: pulumiTypeOf(inner.element as z.ZodType) };
  throw new Error(`no Pulumi type for ${inner.constructor.name}`);
}

const typeOnly = ({ type, items }: PulumiTypeSpec): PulumiTypeSpec => ({
  type,
  ...(items ? { items: typeOnly(items) } : {}),
});

/** What zod does with an omitted field: required (fails), optional (undefined) or a default. */
function omitted(field: z.ZodType): { required: true } | { required: false; value: unknown } {
  const parsed = field.safeParse(undefined);
  return parsed.success ? { required: false, value: parsed.data } : { required: true };
}

const fieldsOf = (kind: ProviderResource) => Object.entries(kind.fields.shape) as [string, z.ZodType][];

const RECORDS: Record<string, z.ZodObject> = {
  "inbound-oauth:index:AuthorizationCodeGrant": IntegrationSchema,
  "inbound-oauth:index:AuthScope": AuthScopeSchema,
  "inbound-oauth:index:ApiAccessPolicy": ApiAccessPolicySchema,
};

const EXTRA_OUTPUTS: Record<string, string[]> = {
  "inbound-oauth:index:AuthorizationCodeGrant": [
    "clientSecretFingerprint",
    "version",
    "createdAt",
    "updatedAt",
    "authorizeUrl",
    "tokenUrl",
    "jwksUrl",
    "introspectUrl",
    "revokeUrl",
  ],
  "inbound-oauth:index:AuthScope": ["version", "createdAt", "updatedAt"],
  "inbound-oauth:index:ApiAccessPolicy": ["version", "createdAt", "updatedAt"],
};

describe.each(KINDS)("schema.json: %s", (_token, kind) => {
  const resource = resourceOf(kind);

  test("every field of the zod input schema is an input property with the same type, default and secret flag", () => {
    const fields = fieldsOf(kind);
    expect(fields.length).toBeGreaterThan(0);
    for (const [name, field] of fields) {
      const property = resource.inputProperties[name];
      expect({ name, present: property !== undefined }).toEqual({ name, present: true });
      const spec = property as PulumiPropertySpec;
      expect({ name, ...typeOnly(spec) }).toEqual({ name, ...pulumiTypeOf(field) });
      const absent = omitted(field);
      // Pulumi defaults are primitives only: a list defaulting to [] has none in the schema.
      const expectedDefault =
        absent.required || Array.isArray(absent.value) ? undefined : (absent.value as unknown);
      if (!absent.required && Array.isArray(absent.value)) expect(absent.value).toEqual([]);
      expect({ name, default: spec.default }).toEqual({ name, default: expectedDefault });
      expect({ name, secret: spec.secret ?? false }).toEqual({
        name,
        secret: kind.secretInputs.includes(name),
      });
      if (field.description !== undefined) {
        expect({ name, description: spec.description }).toEqual({ name, description: field.description });
      }
    }
  });

  test("every input property but the provider's own (adopt) is a field of the zod input schema", () => {
    const fields = new Set(Object.keys(kind.fields.shape));
    const extra = Object.keys(resource.inputProperties).filter((name) => !fields.has(name));
    expect(extra).toEqual([...PROVIDER_INPUTS]);
  });

  test("input properties keep the contract's order, adopt last", () => {
    expect(Object.keys(resource.inputProperties)).toEqual([...Object.keys(kind.fields.shape), "adopt"]);
  });

  test("requiredInputs are exactly the fields zod requires", () => {
    const required = fieldsOf(kind)
      .filter(([, field]) => omitted(field).required)
      .map(([name]) => name);
    expect(required.length).toBeGreaterThan(0);
    expect(resource.requiredInputs).toEqual(required);
  });

  test("replaceOnChanges flags (inputs and outputs) are exactly the descriptor's", () => {
    const flagged = (properties: Record<string, PulumiPropertySpec>) =>
      Object.entries(properties)
        .filter(([, spec]) => spec.replaceOnChanges)
        .map(([name]) => name);
    expect(flagged(resource.inputProperties)).toEqual([...kind.replaceOnChanges]);
    expect(flagged(resource.properties)).toEqual([...kind.replaceOnChanges]);
  });

  test("adopt: a boolean input, default false, not an output", () => {
    expect(resource.inputProperties.adopt).toMatchObject({ type: "boolean", default: false });
    expect(resource.inputProperties.adopt?.description).toMatch(/pulumi import/);
    expect(resource.properties).not.toHaveProperty("adopt");
  });

  test("outputs: every input but adopt, then the record's and the provider's outputs", () => {
    const inputs = Object.keys(resource.inputProperties).filter((name) => name !== "adopt");
    expect(Object.keys(resource.properties)).toEqual([...inputs, ...(EXTRA_OUTPUTS[kind.token] ?? [])]);
    for (const name of inputs) {
      const { default: _default, ...input } = resource.inputProperties[name] as PulumiPropertySpec;
      expect({ name, spec: resource.properties[name] }).toEqual({ name, spec: input });
    }
  });

  test("every field of the record (but id) is an output of the same type", () => {
    const record = RECORDS[kind.token] as z.ZodObject;
    for (const [name, field] of Object.entries(record.shape) as [string, z.ZodType][]) {
      if (name === "id") continue;
      const property = resource.properties[name];
      expect({ name, present: property !== undefined }).toEqual({ name, present: true });
      expect({ name, ...typeOnly(property as PulumiPropertySpec) }).toEqual({ name, ...pulumiTypeOf(field) });
    }
  });

  test("required outputs: what every read returns (not null), and the computed URLs", () => {
    const record = RECORDS[kind.token] as z.ZodObject;
    const alwaysPresent = Object.entries(record.shape as Record<string, z.ZodType>)
      .filter(([name, field]) => {
        const absent = omitted(field);
        const present = absent.required || absent.value !== undefined; // a default is always filled in
        return name !== "id" && present && !field.safeParse(null).success;
      })
      .map(([name]) => name);
    const computed = (EXTRA_OUTPUTS[kind.token] ?? []).filter((name) => name.endsWith("Url"));
    expect([...resource.required].sort()).toEqual([...alwaysPresent, ...computed].sort());
    expect(resource.required).toEqual(expect.arrayContaining(["name", "version", "createdAt", "updatedAt"]));
  });

  test("no output is secret but clientSecret", () => {
    const secret = Object.entries(resource.properties)
      .filter(([, spec]) => spec.secret)
      .map(([name]) => name);
    expect(secret).toEqual(kind.secretInputs.filter((name) => name === "clientSecret"));
  });

  test("every property has a description", () => {
    for (const [name, spec] of [
      ...Object.entries(resource.inputProperties),
      ...Object.entries(resource.properties),
    ]) {
      expect({
        name,
        described: typeof spec.description === "string" && spec.description.length > 10,
      }).toEqual({
        name,
        described: true,
      });
    }
    expect(resource.description.length).toBeGreaterThan(20);
  });

  test("descriptions written here are only for contract fields without .describe() (drop them when it gains one)", () => {
    const record = RECORDS[kind.token] as z.ZodObject;
    const shape = { ...record.shape, ...kind.fields.shape } as Record<string, z.ZodType>;
    for (const name of Object.keys(DESCRIPTIONS_NOT_IN_CONTRACT[kind.token] ?? {})) {
      expect({ name, inContract: name in shape }).toEqual({ name, inContract: true });
      expect({ name, description: shape[name]?.description }).toEqual({ name, description: undefined });
    }
  });
});

test("the secret integration outputs: clientSecret is secret in and out", () => {
  const grant = schema.resources["inbound-oauth:index:AuthorizationCodeGrant"];
  expect(grant?.inputProperties.clientSecret?.secret).toBe(true);
  expect(grant?.properties.clientSecret?.secret).toBe(true);
  expect(grant?.properties.clientSecretFingerprint?.secret).toBeUndefined();
});

test("package: name, version, and a resource per descriptor", () => {
  expect(schema.name).toBe("inbound-oauth");
  expect(schema.version).toBe(VERSION);
  expect(Object.keys(schema.resources)).toEqual(PROVIDER_RESOURCES.map((kind) => kind.token));
  for (const token of Object.keys(schema.resources))
    expect(token.startsWith(`${schema.name}:index:`)).toBe(true);
});

test("config: the endpoint with its environment variable, and no admin token (it is read from the environment only)", () => {
  const { endpoint, ...others } = schema.config.variables;
  expect(endpoint).toMatchObject({
    type: "string",
    defaultInfo: { environment: ["INBOUND_OAUTH_ENDPOINT"] },
  });
  expect(endpoint?.secret).toBeUndefined();
  expect(endpoint?.description).toContain("inbound-oauth:endpoint");
  expect(Object.keys(others)).toEqual([]);
});

/** The keys Pulumi's package metaschema (pkg/codegen/schema/pulumi.json) allows where we use them. */
const PACKAGE_KEYS = [
  "name",
  "displayName",
  "version",
  "description",
  "keywords",
  "homepage",
  "license",
  "attribution",
  "repository",
  "logoUrl",
  "pluginDownloadURL",
  "publisher",
  "namespace",
  "meta",
  "config",
  "types",
  "provider",
  "resources",
  "functions",
  "language",
];
const RESOURCE_KEYS = [
  "description",
  "properties",
  "required",
  "inputProperties",
  "requiredInputs",
  "stateInputs",
  "aliases",
  "deprecationMessage",
  "isComponent",
  "methods",
  "language",
];
const PROPERTY_KEYS = [
  "type",
  "items",
  "description",
  "default",
  "defaultInfo",
  "secret",
  "replaceOnChanges",
  "language",
];

test("uses only keys of Pulumi's package metaschema; defaults are primitives; no URLs", () => {
  const outside = (object: object, allowed: string[]) =>
    Object.keys(object).filter((k) => !allowed.includes(k));
  expect(outside(schema, PACKAGE_KEYS)).toEqual([]);
  const properties = [
    ...Object.values(schema.config.variables),
    ...Object.values(schema.resources).flatMap((resource) => {
      expect(outside(resource, RESOURCE_KEYS)).toEqual([]);
      return [...Object.values(resource.inputProperties), ...Object.values(resource.properties)];
    }),
  ];
  for (const property of properties) {
    expect(outside(property, PROPERTY_KEYS)).toEqual([]);
    if (property.default !== undefined)
      expect(["string", "number", "boolean"]).toContain(typeof property.default);
    if (property.type === "array") expect(property.items).toBeDefined();
  }
  expect(JSON.stringify(schema)).not.toMatch(/[a-z]+:\/\//i);
});

describe("schema.json at the top of the repository", () => {
  test("is found from the script's folder", () => {
    expect(schemaPath()).toBe(`${findRepoRoot()}/schema.json`);
    expect(JSON.parse(readFileSync(`${findRepoRoot()}/package.json`, "utf8")).name).toBe(
      "pulumi-inbound-oauth",
    );
  });

  test("is exactly buildPulumiSchema(VERSION) (if not: run `make generate` and commit it)", () => {
    const committed = readFileSync(schemaPath(), "utf8");
    if (committed === renderSchema()) return;
    try {
      expect(JSON.parse(committed)).toEqual(buildPulumiSchema(VERSION));
    } catch (error) {
      // The deep-equality diff shows what drifted; the first line says how to fix it.
      throw new Error(
        `schema.json is out of date: run \`make generate\` and commit it.\n${(error as Error).message}`,
      );
    }
    throw new Error(
      "schema.json differs from the descriptors (formatting): run `make generate` and commit it.",
    );
  });
});
