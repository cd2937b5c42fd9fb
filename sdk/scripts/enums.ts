import { z } from "zod";
import { PROVIDER_RESOURCES } from "../../provider/src/resources";
import type { Enums } from "./render";

/**
 * The enum values of each resource's string inputs, per type token, read from the contract's input
 * schema: schema.json types its properties as Pulumi primitives only, so `tokenFormat` is a string
 * there and `"Opaque" | "JWT"` here.
 */
export function contractEnums(): Record<string, Enums> {
  return Object.fromEntries(
    PROVIDER_RESOURCES.map((kind) => {
      const json = z.toJSONSchema(kind.input, { io: "input", unrepresentable: "throw" }) as {
        properties?: Record<string, { enum?: unknown[] }>;
      };
      const enums: Record<string, string[]> = {};
      for (const [property, spec] of Object.entries(json.properties ?? {})) {
        if (!spec.enum) continue;
        if (!spec.enum.every((value) => typeof value === "string"))
          throw new Error(`${kind.token}.${property}: only string enums have a TypeScript union here`);
        enums[property] = spec.enum as string[];
      }
      return [kind.token, enums];
    }),
  );
}
