import { z } from "zod";
import { distinctList, PageQueryShape, RecordMetaShape } from "./common";

/** A resource owner's login name. */
export const UserNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9._@+-]+$/, "may contain only letters, digits and . _ @ + -");

export const PasswordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");

export const UserRoleSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_.-]*$/, "must be lower-case letters, digits and _ . - (e.g. itil, admin)");

/** Body of POST /users and PUT /users/{id}. A PUT without password keeps the current one. */
export const UserInputSchema = z.strictObject({
  name: UserNameSchema.describe("Login name. Unique."),
  password: PasswordSchema.optional().describe("Required on create; stored only as an scrypt hash."),
  roles: distinctList(UserRoleSchema, 50)
    .default([])
    .describe("Roles, which decide what the sample REST APIs allow."),
  active: z.boolean().default(true).describe("Inactive users cannot log in."),
});
export type UserInput = z.infer<typeof UserInputSchema>;

/** The body of POST /users as the OpenAPI document publishes it: a new user needs a password. */
export const UserCreateInputSchema = UserInputSchema.extend({
  password: PasswordSchema.describe("Stored only as an scrypt hash."),
});

export const UserSchema = UserInputSchema.omit({ password: true }).extend(RecordMetaShape);
export type User = z.infer<typeof UserSchema>;

export const UserListQuerySchema = z.strictObject({
  ...PageQueryShape,
  name: z.string().max(100).optional(),
});
