import type { Row, SqlExecutor } from "../../storage/database";
import { ApiError } from "../api-error";
import { encodeCursor } from "./cursor";
import { type KindSpec, referencesTo } from "./kinds";

/** A record as stored: its own fields (columns, document and references by name) apart from meta. */
export interface StoredRecord {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  fields: Record<string, unknown>;
}

export interface RecordWrite {
  name: string;
  fields: Record<string, unknown>;
}

interface BaseRow extends Row {
  id: string;
  name: string;
  document: string;
  version: number | string;
  created_at: string;
  updated_at: string;
}

function selectList(spec: KindSpec): string {
  const extra = Object.values(spec.columns).map(({ column }) => `, ${column}`);
  return `SELECT id, name, document, version, created_at, updated_at${extra.join("")} FROM ${spec.table}`;
}

async function withReferences(ex: SqlExecutor, spec: KindSpec, rows: BaseRow[]): Promise<StoredRecord[]> {
  const records = rows.map((row) => {
    const fields: Record<string, unknown> = JSON.parse(row.document);
    for (const [field, { column, boolean }] of Object.entries(spec.columns)) {
      fields[field] = boolean ? Number(row[column]) === 1 : row[column];
    }
    for (const reference of spec.references) fields[reference.field] = [];
    return {
      id: row.id,
      name: row.name,
      version: Number(row.version),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      fields,
    } satisfies StoredRecord;
  });
  if (records.length === 0 || spec.references.length === 0) return records;
  const byId = new Map(records.map((record) => [record.id, record]));
  const ids = records.map((record) => record.id);
  const marks = ids.map(() => "?").join(", ");
  for (const reference of spec.references) {
    const links = await ex.query<{ owner_id: string; name: string }>(
      `SELECT j.owner_id, t.name FROM ${reference.joinTable} j JOIN ${reference.target.table} t ON t.id = j.target_id
       WHERE j.owner_id IN (${marks}) ORDER BY j.owner_id, j.position`,
      ids,
    );
    for (const link of links) (byId.get(link.owner_id)!.fields[reference.field] as string[]).push(link.name);
  }
  return records;
}

export async function findById(
  ex: SqlExecutor,
  spec: KindSpec,
  id: string,
): Promise<StoredRecord | undefined> {
  const rows = await ex.query<BaseRow>(`${selectList(spec)} WHERE id = ?`, [id]);
  return (await withReferences(ex, spec, rows))[0];
}

export async function findIdBy(ex: SqlExecutor, spec: KindSpec, column: string, value: unknown) {
  const rows = await ex.query<{ id: string }>(`SELECT id FROM ${spec.table} WHERE ${column} = ?`, [value]);
  return rows[0]?.id;
}

export interface ListOptions {
  /** Exact-match filters, by field name (name or a column field). */
  filters: Record<string, string | undefined>;
  afterId?: string;
  limit: number;
}

export async function listRecords(ex: SqlExecutor, spec: KindSpec, options: ListOptions) {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [field, value] of Object.entries(options.filters)) {
    if (value === undefined) continue;
    const column = field === "name" ? "name" : spec.columns[field]?.column;
    if (!column) throw new Error(`${spec.table} cannot be filtered by ${field}`);
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (options.afterId) {
    where.push("id > ?");
    params.push(options.afterId);
  }
  const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const rows = await ex.query<BaseRow>(`${selectList(spec)}${clause} ORDER BY id LIMIT ?`, [
    ...params,
    options.limit + 1,
  ]);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    records: await withReferences(ex, spec, page),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last.id) : null,
  };
}

/** Resolves every reference field's names to ids; refuses the write when any name is unknown. */
export async function resolveReferences(ex: SqlExecutor, spec: KindSpec, fields: Record<string, unknown>) {
  const resolved = new Map<string, string[]>();
  const missing: { path: string; message: string }[] = [];
  for (const reference of spec.references) {
    const names = (fields[reference.field] as string[] | undefined) ?? [];
    if (names.length === 0) {
      resolved.set(reference.field, []);
      continue;
    }
    const rows = await ex.query<{ id: string; name: string }>(
      `SELECT id, name FROM ${reference.target.table} WHERE name IN (${names.map(() => "?").join(", ")})`,
      names,
    );
    const ids = new Map(rows.map((row) => [row.name, row.id]));
    names.forEach((name, index) => {
      if (!ids.has(name)) {
        missing.push({
          path: `${reference.field}.${index}`,
          message: `no ${reference.target.label} is named "${name}"`,
        });
      }
    });
    resolved.set(
      reference.field,
      names.map((name) => ids.get(name) ?? ""),
    );
  }
  if (missing.length > 0) {
    throw new ApiError(
      "UNKNOWN_REFERENCE",
      `The ${spec.label} refers to records that do not exist: ${missing.map((m) => `${m.path} (${m.message})`).join("; ")}. Create them first, or remove them from the list.`,
      { errors: missing },
    );
  }
  return resolved;
}

function splitFields(spec: KindSpec, fields: Record<string, unknown>) {
  const document: Record<string, unknown> = {};
  const columns: Record<string, unknown> = {};
  const referenceFields = new Set(spec.references.map((reference) => reference.field));
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined || referenceFields.has(field)) continue;
    const own = spec.columns[field];
    if (own) columns[own.column] = value;
    else document[field] = value;
  }
  return { document: JSON.stringify(document), columns };
}

async function writeReferences(ex: SqlExecutor, spec: KindSpec, id: string, resolved: Map<string, string[]>) {
  for (const reference of spec.references) {
    await ex.execute(`DELETE FROM ${reference.joinTable} WHERE owner_id = ?`, [id]);
    const targets = resolved.get(reference.field) ?? [];
    for (const [position, targetId] of targets.entries()) {
      await ex.execute(
        `INSERT INTO ${reference.joinTable} (owner_id, target_id, position) VALUES (?, ?, ?)`,
        [id, targetId, position],
      );
    }
  }
}

export async function insertRecord(
  ex: SqlExecutor,
  spec: KindSpec,
  id: string,
  write: RecordWrite,
  now: string,
) {
  const resolved = await resolveReferences(ex, spec, write.fields);
  const { document, columns } = splitFields(spec, write.fields);
  const names = ["id", "name", "document", "version", "created_at", "updated_at", ...Object.keys(columns)];
  const values = [id, write.name, document, 1, now, now, ...Object.values(columns)];
  await ex.execute(
    `INSERT INTO ${spec.table} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
    values,
  );
  await writeReferences(ex, spec, id, resolved);
}

/** Replaces a record if it is still at `expectedVersion`; false when another write got there first. */
export async function updateRecord(
  ex: SqlExecutor,
  spec: KindSpec,
  id: string,
  expectedVersion: number,
  write: RecordWrite,
  now: string,
): Promise<boolean> {
  const resolved = await resolveReferences(ex, spec, write.fields);
  const { document, columns } = splitFields(spec, write.fields);
  const sets = ["name = ?", "document = ?", "version = version + 1", "updated_at = ?"];
  sets.push(...Object.keys(columns).map((column) => `${column} = ?`));
  const { rowCount } = await ex.execute(
    `UPDATE ${spec.table} SET ${sets.join(", ")} WHERE id = ? AND version = ?`,
    [write.name, document, now, ...Object.values(columns), id, expectedVersion],
  );
  if (rowCount === 0) return false;
  await writeReferences(ex, spec, id, resolved);
  return true;
}

/** Bumps the version of a record whose change lives outside its row (a rotated secret). */
export async function touchRecord(ex: SqlExecutor, spec: KindSpec, id: string, now: string) {
  await ex.execute(`UPDATE ${spec.table} SET version = version + 1, updated_at = ? WHERE id = ?`, [now, id]);
}

export async function deleteRecord(ex: SqlExecutor, spec: KindSpec, id: string): Promise<boolean> {
  const { rowCount } = await ex.execute(`DELETE FROM ${spec.table} WHERE id = ?`, [id]);
  return rowCount > 0;
}

/** The records whose reference fields point at this one. */
export async function referencedBy(ex: SqlExecutor, spec: KindSpec, id: string) {
  const found: { kind: string; id: string; name: string }[] = [];
  for (const { owner, reference } of referencesTo(spec)) {
    const rows = await ex.query<{ id: string; name: string }>(
      `SELECT o.id, o.name FROM ${reference.joinTable} j JOIN ${owner.table} o ON o.id = j.owner_id WHERE j.target_id = ? ORDER BY o.name`,
      [id],
    );
    found.push(...rows.map((row) => ({ kind: owner.kind, id: row.id, name: row.name })));
  }
  return found;
}
