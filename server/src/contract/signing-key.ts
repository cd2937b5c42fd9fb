import { z } from "zod";

export const KEY_STATUSES = ["active", "retired"] as const;

/** A token-signing key as the management API shows it: public half only. */
export const SigningKeySchema = z.object({
  kid: z.string(),
  alg: z.literal("ES256"),
  status: z.enum(KEY_STATUSES).describe("active signs new tokens; retired keys only verify."),
  createdAt: z.iso.datetime(),
  retiredAt: z.iso.datetime().nullable(),
  removeAfter: z.iso.datetime().nullable().describe("When a retired key leaves the JWKS."),
  publicJwk: z.record(z.string(), z.unknown()),
});
export type SigningKey = z.infer<typeof SigningKeySchema>;
