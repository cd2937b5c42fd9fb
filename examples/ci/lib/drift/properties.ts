// What differs between a resource's recorded state and its live record, property by property.
import type { ResourceState } from "../engine.ts";
import { containsSecret, isInternal, isSecretName, maskValue } from "../secrets.ts";
import { sameJson } from "../values.ts";

export interface DriftedProperty {
  property: string;
  /** True for a secret: then neither value is given, only that it changed. */
  secret: boolean;
  /** The value in the stack's state (secrets inside masked). */
  state?: unknown;
  /** The live value. */
  live?: unknown;
}

/** What differs between the state and the live record, property by property (secrets by name only). */
export function driftedProperties(state: ResourceState, live: ResourceState): DriftedProperty[] {
  const before = state.inputs ?? {};
  const after = live.inputs ?? {};
  const drifted = new Map<string, DriftedProperty>();
  const add = (property: string, old: unknown, now: unknown) => {
    const secret = isSecretName(property) || containsSecret(old) || containsSecret(now);
    drifted.set(
      property,
      secret ? { property, secret } : { property, secret, state: maskValue(old), live: maskValue(now) },
    );
  };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!isInternal(key) && !sameJson(before[key], after[key])) add(key, before[key], after[key]);
  }
  // A secret's value never leaves the server; its fingerprint (an output) shows that it changed.
  const oldOutputs = state.outputs ?? {};
  const newOutputs = live.outputs ?? {};
  for (const key of Object.keys({ ...oldOutputs, ...newOutputs })) {
    const secretName = key.endsWith("Fingerprint") ? key.slice(0, -"Fingerprint".length) : undefined;
    if (secretName && !drifted.has(secretName) && !sameJson(oldOutputs[key], newOutputs[key])) {
      drifted.set(secretName, { property: secretName, secret: true });
    }
  }
  if (drifted.size === 0) {
    // Nothing declared differs: name the outputs that do (e.g. a record rewritten with the same values).
    for (const key of new Set([...Object.keys(oldOutputs), ...Object.keys(newOutputs)])) {
      if (!isInternal(key) && !key.endsWith("Fingerprint") && !sameJson(oldOutputs[key], newOutputs[key])) {
        add(key, oldOutputs[key], newOutputs[key]);
      }
    }
  }
  return [...drifted.values()].sort((a, b) => a.property.localeCompare(b.property));
}
