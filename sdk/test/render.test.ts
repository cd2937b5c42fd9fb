/**
 * The generator renders any resource schema faithfully: over generated Pulumi resource specs
 * (property names, primitive and list types, enums, required lists, defaults, secret and
 * replaceOnChanges flags, descriptions with `*\/` and line breaks), the module it writes parses
 * without error and its Args interface and class say what the spec says.
 */
import fc from "fast-check";
import type { PulumiPropertySpec, PulumiResourceSpec, PulumiTypeSpec } from "../../provider/src/schema/build";
import { renderResource, renderShared } from "../scripts/render";
import { sharedProperties } from "../scripts/shared";
import { expectedType, membersOf, syntaxErrors } from "./members";

const word = fc.stringMatching(/^[A-Za-z0-9.,;:'`()"-]{1,10}$/);
const description = fc
  .array(fc.oneof(word, fc.constant("*/"), fc.constant("\n")), { minLength: 1, maxLength: 8 })
  .map((parts) => `Text ${parts.join(" ")}`.replace(/ ?\n ?/g, "\n").trim());

const primitive = fc.constantFrom<PulumiTypeSpec>(
  { type: "string" },
  { type: "boolean" },
  { type: "integer" },
  { type: "number" },
);
const typeSpec = fc.oneof(
  primitive,
  primitive.map((items): PulumiTypeSpec => ({ type: "array", items })),
);

const property = fc.record({
  type: typeSpec,
  description,
  secret: fc.boolean(),
  replaceOnChanges: fc.boolean(),
  enum: fc.option(
    fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 "\\-]{0,8}$/), { minLength: 1, maxLength: 4 }),
  ),
});

const names = fc
  .uniqueArray(fc.stringMatching(/^[a-z][A-Za-z0-9]{0,10}$/), { minLength: 1, maxLength: 8 })
  .map((list) => list.filter((name) => !["id", "urn", "constructor", "adopt"].includes(name)))
  .filter((list) => list.length > 0);

const resource = names.chain((list) =>
  fc.record({
    properties: fc.tuple(...list.map((name) => property.map((spec) => [name, spec] as const))),
    requiredInputs: fc.subarray(list),
    required: fc.subarray(list),
  }),
);

type Drawn = { type: PulumiTypeSpec; description: string; secret: boolean; replaceOnChanges: boolean };

function toSpec(drawn: Drawn): PulumiPropertySpec {
  const spec: PulumiPropertySpec = { ...drawn.type, description: drawn.description };
  if (drawn.secret) spec.secret = true;
  if (drawn.replaceOnChanges) spec.replaceOnChanges = true;
  return spec;
}

/** The drawn enums, on string properties only (as the contract's enums are). */
const enumsOf = (properties: readonly (readonly [string, Drawn & { enum: string[] | null }])[]) =>
  Object.fromEntries(
    properties
      .filter(([, drawn]) => drawn.enum && drawn.type.type === "string")
      .map(([name, drawn]) => [name, drawn.enum as string[]]),
  );

test("renderResource: the Args and outputs of any resource spec, as the spec says", () => {
  fc.assert(
    fc.property(resource, (generated) => {
      const specs = Object.fromEntries(generated.properties.map(([name, spec]) => [name, toSpec(spec)]));
      const adopt: PulumiPropertySpec = { type: "boolean", description: "Adopt.", default: false };
      const schema: PulumiResourceSpec = {
        description: "A resource.",
        properties: specs,
        required: generated.required,
        inputProperties: { ...specs, adopt },
        requiredInputs: generated.requiredInputs,
      };
      const enums = enumsOf(generated.properties);
      const text = renderResource("inbound-oauth:index:Thing", schema, enums);
      expect(syntaxErrors(text)).toEqual([]);
      const doc = (d: string) => d.replaceAll("*/", "*\\/");

      const args = membersOf(text, "ThingArgs");
      expect(args.map((m) => m.name)).toEqual([...Object.keys(specs), "adopt"]);
      for (const member of args) {
        const spec = schema.inputProperties[member.name] as PulumiPropertySpec;
        const value = expectedType(spec, enums[member.name], (t) => `pulumi.Input<${t}>`);
        expect(member).toEqual({
          name: member.name,
          optional: !generated.requiredInputs.includes(member.name),
          type: member.name === "adopt" ? value : `pulumi.Input<${value}>`,
          doc: doc(spec.description),
        });
      }

      const outputs = membersOf(text, "Thing");
      expect(outputs.map((m) => m.name)).toEqual(Object.keys(specs));
      for (const member of outputs) {
        const spec = specs[member.name] as PulumiPropertySpec;
        const value = expectedType(spec, enums[member.name], (t) => t);
        const type = generated.required.includes(member.name) ? value : `${value} | undefined`;
        expect(member).toEqual({
          name: member.name,
          optional: false,
          type: `pulumi.Output<${type}>`,
          doc: doc(spec.description),
        });
      }
    }),
    { numRuns: 200 },
  );
});

test("sharedProperties + renderShared: what every resource has alike is declared once, the rest stays with each", () => {
  // Names no drawn property can have (those start with a lower-case letter).
  const common = fc.uniqueArray(fc.stringMatching(/^_z[A-Za-z0-9]{0,6}$/), { maxLength: 3 });
  fc.assert(
    fc.property(fc.array(resource, { minLength: 2, maxLength: 3 }), common, (drawn, commonNames) => {
      const commonSpecs = Object.fromEntries(
        commonNames.map((name) => [
          name,
          { type: "string", description: `Common ${name}.` } as PulumiPropertySpec,
        ]),
      );
      const schemas = drawn.map((generated): PulumiResourceSpec => {
        const specs = Object.fromEntries(generated.properties.map(([name, spec]) => [name, toSpec(spec)]));
        return {
          description: "A resource.",
          properties: { ...specs, ...commonSpecs },
          required: [...generated.required, ...commonNames],
          inputProperties: { ...specs, ...commonSpecs },
          requiredInputs: generated.requiredInputs,
        };
      });
      const shared = sharedProperties(schemas.map((schema) => [schema, {}] as const));
      for (const name of commonNames) {
        expect(shared.inputs).toContain(name);
        expect(shared.outputs).toContain(name);
      }
      const sharedText = renderShared(schemas[0] as PulumiResourceSpec, {}, shared);
      expect(syntaxErrors(sharedText)).toEqual([]);
      const inherited = (declaration: string) =>
        shared.inputs.length || shared.outputs.length
          ? membersOf(sharedText, declaration).map((m) => m.name)
          : [];
      schemas.forEach((schema, index) => {
        // Every shared property is the same in every resource.
        for (const name of shared.outputs)
          expect(JSON.stringify(schema.properties[name])).toBe(JSON.stringify(schemas[0]?.properties[name]));
        const text = renderResource(`inbound-oauth:index:Thing${index}`, schema, {}, shared);
        expect(syntaxErrors(text)).toEqual([]);
        const args = membersOf(text, `Thing${index}Args`).map((m) => m.name);
        const outputs = membersOf(text, `Thing${index}`).map((m) => m.name);
        const sharedArgs = shared.inputs.length ? inherited("SharedArgs") : [];
        const sharedOutputs = shared.outputs.length ? inherited("SharedResource") : [];
        expect([...args, ...sharedArgs].sort()).toEqual(Object.keys(schema.inputProperties).sort());
        expect([...outputs, ...sharedOutputs].sort()).toEqual(Object.keys(schema.properties).sort());
      });
    }),
    { numRuns: 100 },
  );
});
