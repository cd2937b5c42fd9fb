import { z } from "zod";

/** Roles of management API tokens. All but viewer may write; viewer suits scheduled drift jobs. */
export const ROLES = ["admin", "oauth_admin", "mi_admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const WRITER_ROLES: readonly Role[] = ["admin", "oauth_admin", "mi_admin"];

export const AdminTokenNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, "may contain only letters, digits and . _ @ -");

/**
 * GET /api/v1/whoami: the calling token's name and role (never the token, nor its id, which is part
 * of the token). Jobs state which identity they ran as: the drift job in its report, the provider in
 * its log.
 */
export const WhoamiSchema = z.object({
  name: AdminTokenNameSchema.describe(
    "The token's name, as `inbound-oauth admin-token create --name` gave it.",
  ),
  role: z.enum(ROLES).describe("viewer may only read; the other roles may also write."),
});
export type Whoami = z.infer<typeof WhoamiSchema>;
