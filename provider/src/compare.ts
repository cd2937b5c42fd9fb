import { canonicalJson } from "../../server/src/contract";
import type { ProviderResource } from "./resources";

const sorted = (list: unknown) => (Array.isArray(list) ? [...list].map(String).sort() : list);

/** Whether two values of one property are the same: set-like lists as sets, everything else exactly. */
export function sameProperty(kind: ProviderResource, key: string, a: unknown, b: unknown): boolean {
  const [left, right] = kind.setLists.includes(key) ? [sorted(a), sorted(b)] : [a, b];
  return canonicalJson(left ?? null) === canonicalJson(right ?? null);
}
