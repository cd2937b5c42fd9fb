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

/** The reason a lifecycle command may carry (rotate-secret, end-secret-overlap, revoke-grants…). */
export const ReasonSchema = z
  .string()
  .trim()
  .min(1, "must not be empty (omit it instead)")
  .max(500, "must be at most 500 characters")
  .describe("Why you are doing this: kept in the audit trail with your token's name.");

export const AuditEventSchema = z.object({
  id: IdSchema,
  at: z.iso.datetime(),
  actor: z.string().describe("Name of the admin token that made the change."),
  action: z.enum(AUDIT_ACTIONS),
  recordKind: z.enum(RECORD_KINDS),
  recordId: IdSchema,
  recordName: z.string(),
  changes: z.array(FieldChangeSchema),
  reason: z
    .string()
    .nullable()
    .describe(
      "Why: the reason the actor gave with a lifecycle command, or the server's (an expiry); null when none.",
    ),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditListQuerySchema = z.strictObject({
  ...PageQueryShape,
  recordId: IdSchema.optional(),
  recordKind: z.enum(RECORD_KINDS).optional(),
  actor: z.string().max(100).optional(),
});
