import { sameProperty } from "./compare";
import { secretFingerprint } from "./fingerprint";
import { PROVIDER_INPUTS, type ProviderResource } from "./resources";
import { containsUnknown } from "./unknowns";

export interface DiffResult {
  changes: boolean;
  /** The properties whose change needs a new record. */
  replaces: string[];
  /** Outputs that stay as they are whatever happens. */
  stables: string[];
  /** A replacement must delete the old record first when the new one would take its unique name. */
  deleteBeforeReplace: boolean;
  /** Every changed property (for tests and logs; the engine shows its own property diff). */
  changed: string[];
}

/**
 * Compares the recorded state (olds: the last inputs and outputs) with the checked new inputs.
 * Local and deterministic: no network. Every property of the kind is compared, so one the new inputs
 * omit but the record has (a removed logoUrl, a loginUrl set out of band) is a change that update
 * clears. Ordered lists compare in order, set-like lists as sets; a
 * changed clientId replaces; a declared secret is compared through its fingerprint, so neither
 * value is revealed; a secret that was generated is compared with the fingerprint the server last
 * showed, so an out-of-band rotation found by refresh is put back.
 */
export function diff(
  kind: ProviderResource,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): DiffResult {
  const changed: string[] = [];
  const replaces: string[] = [];
  const skip = new Set<string>([...PROVIDER_INPUTS, ...kind.secretInputs, ...kind.replaceOnChanges]);
  // Every property the resource has, declared or not: an optional one absent from the new inputs
  // (removed from the program, or set out of band and found by refresh) must be cleared.
  for (const key of new Set([...Object.keys(kind.fields.shape), ...Object.keys(news)])) {
    if (skip.has(key)) continue;
    const before = olds[key];
    const after = news[key];
    if (containsUnknown(after)) {
      changed.push(key);
      continue;
    }
    if (!sameProperty(kind, key, before, after)) changed.push(key);
  }
  for (const key of kind.replaceOnChanges) {
    // Omitted: the server chose it, and it stays. Declared: it must match what the record has.
    if (news[key] === undefined) continue;
    if (containsUnknown(news[key]) || !sameProperty(kind, key, olds[key], news[key])) {
      changed.push(key);
      replaces.push(key);
    }
  }
  for (const key of kind.secretInputs) {
    const fingerprint = olds[`${key}Fingerprint`];
    const declared = news[key];
    if (containsUnknown(declared)) {
      changed.push(key);
    } else if (typeof declared === "string") {
      if (secretFingerprint(declared) !== fingerprint) changed.push(key);
    } else if (typeof olds[key] === "string" && news.publicClient !== true) {
      // Generated: the state holds the secret; a rotation behind Pulumi's back shows here.
      if (secretFingerprint(olds[key] as string) !== fingerprint) changed.push(key);
    }
  }
  const nameChanges = changed.includes("name");
  return {
    changes: changed.length > 0,
    replaces,
    stables: replaces.length === 0 ? ["clientId", "createdAt"].filter((k) => k in olds) : [],
    deleteBeforeReplace: replaces.length > 0 && !nameChanges,
    changed,
  };
}
