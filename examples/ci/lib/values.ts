// Values compared and shown: JSON equality regardless of key order, and one line of JSON per value.

/** Longest value shown in full; longer ones are cut with an ellipsis. */
const MAX_VALUE_LENGTH = 300;

/** The same JSON, whatever the order of the keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** A value as one line of JSON, cut when long; "(unset)" for none. Mask it first (secrets.ts). */
export function showJson(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}
