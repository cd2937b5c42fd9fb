import { type AuditEvent, canonicalJson, type FieldChange, type RecordKind } from "../contract";
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
}

/** Written in the same transaction as the change it describes. */
export async function writeAudit(ex: SqlExecutor, event: AuditInput): Promise<void> {
  await ex.execute(
    `INSERT INTO audit_events (id, at, actor, action, record_kind, record_id, record_name, changes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      uuidv7(),
      event.at,
      event.actor,
      event.action,
      event.recordKind,
      event.recordId,
      event.recordName,
      JSON.stringify(event.changes),
    ],
  );
}

interface AuditRow extends Record<string, unknown> {
  id: string;
  at: string;
  actor: string;
  action: AuditEvent["action"];
  record_kind: RecordKind;
  record_id: string;
  record_name: string;
  changes: string;
}

export async function listAudit(
  ex: SqlExecutor,
  query: { recordId?: string; recordKind?: string; actor?: string; afterId?: string; limit: number },
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const filter = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  filter("record_id", query.recordId);
  filter("record_kind", query.recordKind);
  filter("actor", query.actor);
  if (query.afterId) {
    where.push("id > ?");
    params.push(query.afterId);
  }
  const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const rows = await ex.query<AuditRow>(`SELECT * FROM audit_events${clause} ORDER BY id LIMIT ?`, [
    ...params,
    query.limit + 1,
  ]);
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
    })),
    nextCursor: rows.length > query.limit && page.length ? encodeCursor(page.at(-1)!.id) : null,
  };
}
