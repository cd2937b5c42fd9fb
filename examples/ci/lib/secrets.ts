// Masking: no job prints a secret value. A value the engine marked secret, or a property whose name
// says secret, shows as "[secret]"; the provider's internals (__provider, __resource, ...) never show.

/** The key and value that mark a secret object in the engine's JSON (`{<sig>: <secret>, ...}`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const MASK = "[secret]";

/** A value the engine marked secret ("[secret]" or a secret-signature object). */
function isSecretValue(value: unknown): boolean {
  if (value === MASK) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

/** True when the value is, or holds anywhere inside, a value the engine marked secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsSecret);
}

/** Properties whose value is never shown, whatever the engine marked (clientSecret, adminToken, ...). */
export function isSecretName(property: string): boolean {
  return /(secret|password|passphrase|privatekey|apikey|token)$/i.test(property);
}

/** Inputs and outputs the provider and Pulumi add (serialized code, seeds): never shown. */
export function isInternal(property: string): boolean {
  return property.startsWith("__");
}

/**
 * The value with every secret replaced by "[secret]" and the provider's internals dropped; `leaf`
 * maps each other scalar inside (the preview shows the engine's unknowns as "(known after apply)").
 */
export function maskValue(value: unknown, leaf: (scalar: unknown) => unknown = (scalar) => scalar): unknown {
  if (isSecretValue(value)) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, leaf));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !isInternal(key))
        .map(([key, item]) => [key, isSecretName(key) ? MASK : maskValue(item, leaf)]),
    );
  }
  return leaf(value);
}
