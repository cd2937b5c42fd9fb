/**
 * The generated SDK says what schema.json says: for every resource, the Args interface has exactly
 * the schema's input properties, in order, optional unless in requiredInputs, of the schema's type
 * (an enum of the contract as a union of its values), with the schema's description as its doc
 * comment; the class has exactly the schema's outputs, `| undefined` unless in required. Read from
 * the generated sources with the TypeScript compiler API, so a hand edit fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { findRepoRoot } from "../../provider/scripts/generate-schema";
import { PROVIDER_RESOURCES } from "../../provider/src/resources";
import type { PulumiPackageSchema, PulumiTypeSpec } from "../../provider/src/schema/build";
import { type ResourceFlags, type ResourceSpec, withFlags } from "../src/resource";
import { constValue, expectedType, heritageOf, type Member, membersOf } from "./members";

const ROOT = findRepoRoot();
const schema = JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")) as PulumiPackageSchema;

const read = (module: string) => {
  const path = join(ROOT, "sdk", "src", "generated", `${module}.ts`);
  return { path, text: readFileSync(path, "utf8") };
};

/**
 * The members of an interface or class in a generated module: its own, in order, and those of what
 * it extends from generated/shared.ts (the properties every resource has alike).
 */
function generated(module: string, declaration: string): { own: Member[]; inherited: Member[] } {
  const { path, text } = read(module);
  const shared = read("shared");
  const inherited = heritageOf(text, declaration, path)
    .filter((base) => base.startsWith("Shared"))
    .flatMap((base) => membersOf(shared.text, base, shared.path));
  return { own: membersOf(text, declaration, path), inherited };
}

/** Every member, own and inherited, and the own ones alone in the schema's order. */
function expectNames(members: { own: Member[]; inherited: Member[] }, properties: object) {
  const names = Object.keys(properties);
  const inherited = new Set(members.inherited.map((member) => member.name));
  expect([...members.own, ...members.inherited].map((member) => member.name).sort()).toEqual(
    [...names].sort(),
  );
  expect(members.own.map((member) => member.name)).toEqual(names.filter((name) => !inherited.has(name)));
}

/** The values of a contract field that is an enum (under its default or optional), read from zod's classes. */
function enumValues(field: z.ZodType | undefined): string[] | undefined {
  let inner = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined;
}

const moduleOf = (name: string) =>
  name.replace(/[A-Z]/g, (c, at: number) => (at ? "-" : "") + c.toLowerCase());

describe.each(PROVIDER_RESOURCES.map((resource) => [resource.className, resource] as const))(
  "sdk/src/generated: %s",
  (name, resource) => {
    const spec = schema.resources[resource.token];
    if (!spec) throw new Error(`schema.json has no ${resource.token}`);
    const valuesOf = (property: string) =>
      enumValues(resource.fields.shape[property] as z.ZodType | undefined);

    test("Args: the schema's input properties, in order, required as requiredInputs says, of its types", () => {
      const args = generated(moduleOf(name), `${name}Args`);
      expectNames(args, spec.inputProperties);
      for (const member of [...args.own, ...args.inherited]) {
        const property = spec.inputProperties[member.name] as PulumiTypeSpec & { description: string };
        const plain = member.name === "adopt";
        const value = expectedType(property, valuesOf(member.name), (t) => `pulumi.Input<${t}>`);
        expect(member).toEqual({
          name: member.name,
          optional: !spec.requiredInputs.includes(member.name),
          type: plain ? value : `pulumi.Input<${value}>`,
          doc: property.description,
        });
      }
    });

    test("outputs: the schema's properties, in order, `| undefined` unless required, of its types", () => {
      const outputs = generated(moduleOf(name), name);
      expectNames(outputs, spec.properties);
      for (const member of [...outputs.own, ...outputs.inherited]) {
        const property = spec.properties[member.name] as PulumiTypeSpec & { description: string };
        const value = expectedType(property, valuesOf(member.name), (t) => t);
        const type = spec.required.includes(member.name) ? value : `${value} | undefined`;
        expect(member).toEqual({
          name: member.name,
          optional: false,
          type: `pulumi.Output<${type}>`,
          doc: property.description,
        });
      }
    });

    test("registration: the schema's secret outputs, replacing inputs and the outputs a program does not give", () => {
      const { path, text } = read(moduleOf(name));
      const shared = read("shared");
      const registered = withFlags(
        constValue(shared.text, "SHARED", shared.path) as ResourceFlags,
        constValue(text, "SPEC", path) as ResourceSpec,
      );
      const names = (keep: (property: string) => boolean, properties: object) =>
        Object.keys(properties).filter(keep).sort();
      const input = (property: string) => spec.inputProperties[property];
      expect(registered.kind).toBe(name);
      expect([...(registered.secretOutputs ?? [])].sort()).toEqual(
        names((property) => spec.properties[property]?.secret === true, spec.properties),
      );
      expect([...(registered.replaceOnChanges ?? [])].sort()).toEqual(
        names((property) => input(property)?.replaceOnChanges === true, spec.inputProperties),
      );
      expect([...(registered.unsetOutputs ?? [])].sort()).toEqual(
        names(
          (property) =>
            !input(property) ||
            input(property)?.replaceOnChanges === true ||
            input(property)?.secret === true,
          spec.properties,
        ),
      );
    });
  },
);
