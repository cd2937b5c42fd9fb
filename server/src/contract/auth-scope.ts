import { z } from "zod";
import { DescriptionSchema, distinctList, NameListQuerySchema, NameSchema, RecordMetaShape } from "./common";

/** A scope name is an RFC 6749 scope-token: printable ASCII without space, quote or backslash. */
export const ScopeNameSchema = NameSchema.regex(
  /^[\x21\x23-\x5b\x5d-\x7e]+$/,
  'must be an OAuth scope token: printable ASCII without spaces, " or \\',
);

export const AuthScopeInputSchema = z.strictObject({
  name: ScopeNameSchema.describe("Auth scope name, as clients request it in the scope parameter. Unique."),
  description: DescriptionSchema.default("").describe("Shown to people on the consent screen."),
  limitAuthorizationToApis: distinctList(NameSchema, 100)
    .default([])
    .describe("Names of the REST APIs this scope reaches; empty means no limit."),
});
export type AuthScopeInput = z.infer<typeof AuthScopeInputSchema>;

export const AuthScopeSchema = AuthScopeInputSchema.extend(RecordMetaShape);
export type AuthScope = z.infer<typeof AuthScopeSchema>;

export const AuthScopeListQuerySchema = NameListQuerySchema;
