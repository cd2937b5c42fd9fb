import { type AuditEvent, canonicalJson, type FieldChange, type RecordKind } from "../contract";
import { insertAuditEvent, selectAuditEvents } from "../storage/audit-events";
import type { SqlExecutor } from "../storage/database";
import { uuidv7 } from "./ids";
import { encodeCursor } from "./records/cursor";

const META = new Set(["id", "version", "createdAt", "updatedAt"]);

function same(a: unknown, b: unknown): boolean {
  if ((a === undefined) !== (b === undefined)) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** The fields that differ between two views of a record (meta fields aside). */
export function fieldChanges(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of fields) {
    if (META.has(field)) continue;
    const from = before?.[field];
    const to = after?.[field];
    if (same(from, to)) continue;
    const change: FieldChange = { field };
    if (before) change.before = from ?? null;
    if (after) change.after = to ?? null;
    changes.push(change);
  }
  return changes;
}

export interface AuditInput {
  actor: string;
  action: AuditEvent["action"];
  recordKind: RecordKind;
  recordId: string;
  recordName: string;
  changes: FieldChange[];
  at: string;
  /** Why the actor did it (lifecycle commands take a reason); omitted when none was given. */
  reason?: string;
}

/** Written in the same transaction as the change it describes. */
export async function writeAudit(ex: SqlExecutor, event: AuditInput): Promise<void> {
  await insertAuditEvent(ex, {
    id: uuidv7(),
    at: event.at,
    actor: event.actor,
    action: event.action,
    record_kind: event.recordKind,
    record_id: event.recordId,
    record_name: event.recordName,
    changes: JSON.stringify(event.changes),
    reason: event.reason ?? null,
  });
}

export async function listAudit(
  ex: SqlExecutor,
  query: { recordId?: string; recordKind?: string; actor?: string; afterId?: string; limit: number },
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  // One row more than the page, to know whether another page follows.
  const rows = await selectAuditEvents<AuditEvent["action"], RecordKind>(ex, {
    ...query,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      recordKind: row.record_kind,
      recordId: row.record_id,
      recordName: row.record_name,
      changes: JSON.parse(row.changes),
      reason: row.reason,
    })),
    nextCursor: rows.length > query.limit && page.length ? encodeCursor(page.at(-1)!.id) : null,
  };
}
