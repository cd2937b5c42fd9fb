import { z } from "zod";
import { IdSchema, PageQueryShape } from "./common";

export const RECORD_KINDS = [
  "integration",
  "authScope",
  "apiAccessPolicy",
  "restApi",
  "user",
  "signingKey",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const AUDIT_ACTIONS = ["create", "update", "delete", "rotateSecret", "rotateKey"] as const;

/** One changed field. A secret field says only that it changed, never its value. */
export const FieldChangeSchema = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  secret: z.boolean().optional().describe("True for a secret: before and after are never recorded."),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

export const AuditEventSchema = z.object({
  id: IdSchema,
  at: z.iso.datetime(),
  actor: z.string().describe("Name of the admin token that made the change."),
  action: z.enum(AUDIT_ACTIONS),
  recordKind: z.enum(RECORD_KINDS),
  recordId: IdSchema,
  recordName: z.string(),
  changes: z.array(FieldChangeSchema),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditListQuerySchema = z.strictObject({
  ...PageQueryShape,
  recordId: IdSchema.optional(),
  recordKind: z.enum(RECORD_KINDS).optional(),
  actor: z.string().max(100).optional(),
});
