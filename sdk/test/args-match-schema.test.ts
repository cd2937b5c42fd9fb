/**
 * The generated SDK says what schema.json says: for every resource, the Args interface has exactly
 * the schema's input properties, in order, optional unless in requiredInputs, of the schema's type
 * (an enum of the contract as a union of its values), with the schema's description as its doc
 * comment; the class has exactly the schema's outputs, `| undefined` unless in required. Read from
 * the generated sources with the TypeScript compiler API, so a hand edit fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { z } from "zod";
import { findRepoRoot } from "../../provider/scripts/generate-schema";
import { PROVIDER_RESOURCES } from "../../provider/src/resources";
import type { PulumiPackageSchema, PulumiTypeSpec } from "../../provider/src/schema/build";

const ROOT = findRepoRoot();
const schema = JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")) as PulumiPackageSchema;

interface Member {
  name: string;
  optional: boolean;
  type: string;
  doc: string;
}

/** The members of an interface or class in a generated module, as written. */
function membersOf(module: string, declaration: string): Member[] {
  const path = join(ROOT, "sdk", "src", "generated", `${module}.ts`);
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const found = source.statements.find(
    (node): node is ts.InterfaceDeclaration | ts.ClassDeclaration =>
      (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === declaration,
  );
  if (!found) throw new Error(`sdk/src/generated/${module}.ts declares no ${declaration}`);
  const members = found.members.filter(
    (member): member is ts.PropertySignature | ts.PropertyDeclaration =>
      ts.isPropertySignature(member) || ts.isPropertyDeclaration(member),
  );
  return members.map((member) => ({
    name: member.name.getText(source),
    optional: member.questionToken !== undefined,
    type: member.type?.getText(source).replace(/\s+/g, " ") ?? "(none)",
    doc:
      ts.getJSDocCommentsAndTags(member).map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")[0] ?? "",
  }));
}

const ELEMENT: Record<string, string> = {
  string: "string",
  boolean: "boolean",
  integer: "number",
  number: "number",
};

/** The value type a schema property must have in TypeScript, with `wrap` around each Input level. */
function expected(
  spec: PulumiTypeSpec,
  values: readonly string[] | undefined,
  wrap: (t: string) => string,
): string {
  if (spec.type === "array") return `${wrap(expected(spec.items as PulumiTypeSpec, undefined, wrap))}[]`;
  return values?.map((value) => `"${value}"`).join(" | ") ?? (ELEMENT[spec.type] as string);
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
      const args = membersOf(moduleOf(name), `${name}Args`);
      expect(args.map((member) => member.name)).toEqual(Object.keys(spec.inputProperties));
      for (const member of args) {
        const property = spec.inputProperties[member.name] as PulumiTypeSpec & { description: string };
        const plain = member.name === "adopt";
        const value = expected(property, valuesOf(member.name), (t) => `pulumi.Input<${t}>`);
        expect(member).toEqual({
          name: member.name,
          optional: !spec.requiredInputs.includes(member.name),
          type: plain ? value : `pulumi.Input<${value}>`,
          doc: property.description,
        });
      }
    });

    test("outputs: the schema's properties, in order, `| undefined` unless required, of its types", () => {
      const outputs = membersOf(moduleOf(name), name);
      expect(outputs.map((member) => member.name)).toEqual(Object.keys(spec.properties));
      for (const member of outputs) {
        const property = spec.properties[member.name] as PulumiTypeSpec & { description: string };
        const value = expected(property, valuesOf(member.name), (t) => t);
        const type = spec.required.includes(member.name) ? value : `${value} | undefined`;
        expect(member).toEqual({
          name: member.name,
          optional: false,
          type: `pulumi.Output<${type}>`,
          doc: property.description,
        });
      }
    });
  },
);
