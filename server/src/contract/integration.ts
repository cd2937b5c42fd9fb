import { z } from "zod";
import {
  distinctList,
  NameSchema,
  PageQueryShape,
  PageUrlSchema,
  RecordMetaShape,
  RedirectUrlSchema,
} from "./common";

export const TOKEN_FORMATS = ["Opaque", "JWT"] as const;

/**
 * How clientSecretFingerprint is computed, so any holder of the secret (the Pulumi provider) can
 * compute it: PREFIX + base64url(first BYTES bytes of SHA-256(DOMAIN || secret)).
 */
export const SECRET_FINGERPRINT = {
  prefix: "sha256:",
  domain: "inbound-oauth client secret fingerprint v1\0",
  bytes: 12,
} as const;

/** Bounds of the token lifespans, in seconds. */
export const LIFESPAN = {
  accessDefault: 1800,
  refreshDefault: 8_640_000,
  max: 315_360_000, // ten years
} as const;

export const ClientIdSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9._~-]+$/, "may contain only letters, digits and . _ ~ -");

/** A caller-supplied client secret must carry enough entropy to be stored with a fast hash. */
export const ClientSecretSchema = z
  .string()
  .min(32, "must be at least 32 characters (omit it to have a 256-bit secret generated)")
  .max(256, "must be at most 256 characters")
  .regex(/^[\x21-\x7e]+$/, "may contain only printable ASCII characters without spaces");

const lifespan = (fallback: number) => z.int().min(1).max(LIFESPAN.max).default(fallback);

/** Properties of an OAuth authorization code grant integration, as the seed form names them. */
export const IntegrationFieldsSchema = z.strictObject({
  name: NameSchema.describe("Name of OAuth entity. Unique; renaming updates the record in place."),
  providerName: NameSchema.describe("Provider name."),
  redirectUrls: distinctList(RedirectUrlSchema, 32)
    .min(1, "must list at least one redirect URL")
    .describe(
      "Redirect URLs, in order: the first is used when a request names none. Matched exactly, except that a loopback one's port may vary; https except loopback http; no user name or password, IP addresses written canonically (127.0.0.1, not 127.1), no port 0.",
    ),
  clientId: ClientIdSchema.optional().describe(
    "Client ID. Generated when omitted; cannot change afterwards.",
  ),
  clientSecret: ClientSecretSchema.optional().describe(
    "Client secret. Generated (256 bits) when omitted for a confidential client; forbidden for a public client. Never returned by reads.",
  ),
  publicClient: z
    .boolean()
    .default(false)
    .describe("This is a public client: no secret, PKCE (S256) required."),
  authScopes: distinctList(NameSchema, 100)
    .default([])
    .describe("Names of the auth scopes the client may request."),
  allowAccessOnlyToApisInSelectedScope: z
    .boolean()
    .default(false)
    .describe("Allow access only to APIs in the selected scope."),
  enforceTokenRestriction: z
    .boolean()
    .default(false)
    .describe("Tokens reach only APIs of the REST API access policies that apply to this client."),
  tokenFormat: z.enum(TOKEN_FORMATS).default("Opaque").describe("Token format: Opaque (default) or JWT."),
  accessTokenLifespan: lifespan(LIFESPAN.accessDefault).describe("Access token lifespan, in seconds."),
  refreshTokenLifespan: lifespan(LIFESPAN.refreshDefault).describe("Refresh token lifespan, in seconds."),
  loginUrl: PageUrlSchema.optional().describe(
    "Login URL: where the login step is sent instead of the built-in page.",
  ),
  logoUrl: PageUrlSchema.optional().describe("Logo URL, shown on the consent screen."),
  active: z.boolean().default(true).describe("Active. Inactive integrations get no new codes or tokens."),
  deletionProtection: z.boolean().default(false).describe("Deletion is refused while true."),
});

/** Body of POST /integrations and PUT /integrations/{id} (a full replace). */
export const IntegrationInputSchema = IntegrationFieldsSchema.superRefine((value, ctx) => {
  if (value.publicClient && value.clientSecret !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["clientSecret"],
      message: "must be omitted for a public client (publicClient: true uses PKCE instead of a secret)",
    });
  }
  if (value.refreshTokenLifespan < value.accessTokenLifespan) {
    ctx.addIssue({
      code: "custom",
      path: ["refreshTokenLifespan"],
      message: `must not be shorter than accessTokenLifespan (${value.accessTokenLifespan} s)`,
    });
  }
});
export type IntegrationInput = z.infer<typeof IntegrationInputSchema>;

/** An integration as every read returns it: the secret is replaced by its fingerprint. */
export const IntegrationSchema = IntegrationFieldsSchema.omit({ clientSecret: true, clientId: true }).extend({
  ...RecordMetaShape,
  clientId: ClientIdSchema,
  clientSecretFingerprint: z
    .string()
    .nullable()
    .describe(
      "Fingerprint of the current client secret (null for a public client); changes when it is rotated.",
    ),
});
export type Integration = z.infer<typeof IntegrationSchema>;

/** Create and rotate-secret responses: the only places a client secret is ever returned. */
export const IntegrationWithSecretSchema = IntegrationSchema.extend({
  clientSecret: z.string().nullable().describe("The client secret; returned only here. Store it now."),
});
export type IntegrationWithSecret = z.infer<typeof IntegrationWithSecretSchema>;

/** Body of POST /integrations/{id}/rotate-secret: empty for a generated secret, or the new secret. */
export const RotateSecretInputSchema = z.strictObject({
  clientSecret: ClientSecretSchema.optional(),
});

export const IntegrationListQuerySchema = z.strictObject({
  ...PageQueryShape,
  name: z.string().max(100).optional(),
  clientId: z.string().max(128).optional(),
});
