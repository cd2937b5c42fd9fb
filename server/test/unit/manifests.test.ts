import { z } from "zod";
import { PageQueryShape, RESOURCE_MANIFESTS, type ResourceManifest } from "../../src/contract";
import { KIND_SPECS, STORED_KINDS } from "../../src/domain/records/kinds";

/** The declarations everything derives from must be consistent in themselves. */
const MANIFESTS: [string, ResourceManifest][] = RESOURCE_MANIFESTS.map((m) => [m.kind, m]);
const KINDS = new Set<string>(RESOURCE_MANIFESTS.map((m) => m.kind));

/** The innermost schema of a field: without optional, default and nullable. */
function unwrapped(field: z.ZodType): z.ZodType {
  let inner = field;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

test("kinds and paths are unique", () => {
  expect(KINDS.size).toBe(RESOURCE_MANIFESTS.length);
  const paths = RESOURCE_MANIFESTS.map((m) => m.path);
  expect(new Set(paths).size).toBe(paths.length);
  for (const path of paths) expect(path).toMatch(/^\/[a-z]+(-[a-z]+)*$/);
});

describe.each(MANIFESTS)("manifest %s", (kind, manifest) => {
  const fields = manifest.schemas.fields.shape as Record<string, z.ZodType>;

  test("its list query has the page parameters, and its other parameters are record fields", () => {
    const query = Object.keys(manifest.schemas.listQuery.shape);
    expect(query).toEqual(expect.arrayContaining(Object.keys(PageQueryShape)));
    const filters = query.filter((name) => !(name in PageQueryShape));
    expect(filters.filter((name) => !(name in manifest.schemas.record.shape))).toEqual([]);
  });

  test("each reference is a list field naming records of a declared kind", () => {
    for (const [field, target] of Object.entries(manifest.references)) {
      expect({ field, target, known: KINDS.has(target) }).toEqual({ field, target, known: true });
      expect({ field, list: unwrapped(fields[field] as z.ZodType) instanceof z.ZodArray }).toEqual({
        field,
        list: true,
      });
    }
  });

  test("the Pulumi lists name input fields", () => {
    const pulumi = manifest.pulumi;
    if (!pulumi) return expect(manifest.kind).toMatch(/^(restApi|user)$/);
    for (const name of [...pulumi.orderedLists, ...pulumi.replaceOnChanges, ...pulumi.secretInputs]) {
      expect({ name, input: name in fields }).toEqual({ name, input: true });
    }
    for (const name of pulumi.orderedLists)
      expect(unwrapped(fields[name] as z.ZodType)).toBeInstanceOf(z.ZodArray);
    for (const name of pulumi.recordOutputs) expect(manifest.schemas.record.shape).toHaveProperty(name);
  });

  test("its stored kind carries its label and one join table per reference", () => {
    const spec = KIND_SPECS[manifest.kind as keyof typeof KIND_SPECS];
    expect(spec.label).toBe(manifest.label);
    expect(spec.references.map((r) => [r.field, r.target.kind])).toEqual(Object.entries(manifest.references));
    for (const reference of spec.references) expect(reference.joinTable).toMatch(/^[a-z_]+$/);
    expect(STORED_KINDS).toContain(spec);
    expect(kind).toBe(spec.kind);
  });
});
