import type { SqlExecutor } from "./database";

/**
 * The audit_events table: append-only, ids are UUIDv7 (so ordering by id is ordering by time),
 * `changes` is the JSON text of the field changes. `Action` and `Kind` are the contract's types.
 */
export interface AuditRow<Action extends string = string, Kind extends string = string>
  extends Record<string, unknown> {
  id: string;
  at: string;
  actor: string;
  action: Action;
  record_kind: Kind;
  record_id: string;
  record_name: string;
  changes: string;
  /** Why, as the actor said (or the server, for an expiry); null when no reason was given. */
  reason: string | null;
}

export async function insertAuditEvent(db: SqlExecutor, row: AuditRow): Promise<void> {
  await db.execute(
    `INSERT INTO audit_events (id, at, actor, action, record_kind, record_id, record_name, changes, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.at,
      row.actor,
      row.action,
      row.record_kind,
      row.record_id,
      row.record_name,
      row.changes,
      row.reason,
    ],
  );
}

export interface AuditFilter {
  recordId?: string;
  recordKind?: string;
  actor?: string;
  /** Only events after this id. */
  afterId?: string;
  /** At most this many rows. */
  limit: number;
}

/** Events matching every filter given, in id (time) order. */
export async function selectAuditEvents<Action extends string, Kind extends string>(
  db: SqlExecutor,
  filter: AuditFilter,
): Promise<AuditRow<Action, Kind>[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const equals = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equals("record_id", filter.recordId);
  equals("record_kind", filter.recordKind);
  equals("actor", filter.actor);
  if (filter.afterId) {
    where.push("id > ?");
    params.push(filter.afterId);
  }
  const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  return db.query<AuditRow<Action, Kind>>(`SELECT * FROM audit_events${clause} ORDER BY id LIMIT ?`, [
    ...params,
    filter.limit,
  ]);
}
