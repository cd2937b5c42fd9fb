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
