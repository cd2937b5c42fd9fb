import fc from "fast-check";
import { NameSchema, TRIMMED_PRINTABLE } from "../../src/contract";
import { buildOpenApiDocument } from "../../src/openapi/document";

/** The rule as first written, with lookarounds and a Unicode property: the oracle. */
const RULE = /^(?!\s)[^\p{Cc}]*(?<!\s)$/u;

/** Characters at the edges of the rule: every JS white space, the controls around them, and neighbours. */
const EDGE_CHARACTERS = [
  ..."\t\n\v\f\r \u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff",
  ..."\u0000\u0001\u001f\u007f\u0080\u0085\u009f\u00a1\u180e\u200b\u200c\u2060\ud800\udfff",
  ..."aZ0-_.é漢",
  "\u{1f600}",
];

const strings = fc.oneof(
  fc.string({ unit: fc.constantFrom(...EDGE_CHARACTERS), maxLength: 8 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** Every `pattern` of a JSON value (the OpenAPI document), with where it is. */
function patternsOf(value: unknown, path = "#"): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((entry, i) => patternsOf(entry, `${path}/${i}`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, entry]) =>
    key === "pattern" && typeof entry === "string"
      ? [[`${path}/pattern`, entry] as [string, string]]
      : patternsOf(entry, `${path}/${key}`),
  );
}

describe("the name pattern (names of integrations, providers, scopes, REST APIs and policies)", () => {
  it("accepts exactly the strings the rule (no white space at either end, no control characters) accepts", () => {
    fc.assert(
      fc.property(strings, (value) => {
        expect(TRIMMED_PRINTABLE.test(value)).toBe(RULE.test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("is what NameSchema validates with (within its length bounds)", () => {
    fc.assert(
      fc.property(strings, (value) => {
        const inBounds = value.length >= 1 && value.length <= 100;
        expect(NameSchema.safeParse(value).success).toBe(inBounds && RULE.test(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("publishes patterns that any regex dialect reads alike: no lookaround, no \\p{…} property, no flags needed", () => {
    const patterns = patternsOf(buildOpenApiDocument("test"));
    expect(patterns.length).toBeGreaterThan(0);
    const unportable = patterns.filter(([, pattern]) => /\(\?<?[=!]|\\[pP]\{/.test(pattern));
    expect(unportable).toEqual([]);
    expect(patterns.map(([, pattern]) => pattern)).toContain(TRIMMED_PRINTABLE.source);
  });
});
