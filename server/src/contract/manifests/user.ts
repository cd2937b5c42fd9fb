import { UserCreateInputSchema, UserInputSchema, UserListQuerySchema, UserSchema } from "../user";
import type { ResourceManifest } from "./manifest";

/** A resource owner who logs in (admin tokens only; not managed by the Pulumi provider). */
export const USER_MANIFEST = {
  kind: "user",
  path: "/users",
  label: "user",
  tag: "Users",
  schemas: {
    input: UserInputSchema,
    fields: UserInputSchema,
    createInput: UserCreateInputSchema,
    record: UserSchema,
    listQuery: UserListQuerySchema,
  },
  references: {},
  writeErrors: [],
  deleteErrors: [],
} as const satisfies ResourceManifest<"user">;
