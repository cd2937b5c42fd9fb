import type { SqlExecutor } from "../database";
import { registryChanged } from "../registry-generation";
import { writeReferences } from "./references";
import { marks, type RecordTable } from "./table";

/** What a write stores: the name, the kind's own fields, and the reference ids resolved for them. */
export interface RecordWrite {
  name: string;
  fields: object;
  references: Map<string, string[]>;
}

/** Splits fields into the JSON document and the kind's own columns (references are apart). */
function splitFields(table: RecordTable, fields: object) {
  const document: Record<string, unknown> = {};
  const columns: Record<string, unknown> = {};
  const referenceFields = new Set(table.references.map((reference) => reference.field));
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined || referenceFields.has(field)) continue;
    const own = table.columns[field];
    if (own) columns[own.column] = value;
    else document[field] = value;
  }
  return { document: JSON.stringify(document), columns };
}

/** Inserts a record at version 1; `ifMissing` skips it quietly when its id or name exists. */
export async function insertRecord(
  ex: SqlExecutor,
  table: RecordTable,
  id: string,
  write: RecordWrite,
  now: string,
  options: { ifMissing?: boolean } = {},
) {
  const { document, columns } = splitFields(table, write.fields);
  const names = ["id", "name", "document", "version", "created_at", "updated_at", ...Object.keys(columns)];
  const values = [id, write.name, document, 1, now, now, ...Object.values(columns)];
  const conflict = options.ifMissing ? " ON CONFLICT DO NOTHING" : "";
  const { rowCount } = await ex.execute(
    `INSERT INTO ${table.table} (${names.join(", ")}) VALUES (${marks(names.length)})${conflict}`,
    values,
  );
  if (rowCount === 0) return;
  await writeReferences(ex, table, id, write.references);
  await registryChanged(ex);
}

/** Replaces a record if it is still at `expectedVersion`; false when another write got there first. */
export async function updateRecord(
  ex: SqlExecutor,
  table: RecordTable,
  id: string,
  expectedVersion: number,
  write: RecordWrite,
  now: string,
): Promise<boolean> {
  const { document, columns } = splitFields(table, write.fields);
  const sets = ["name = ?", "document = ?", "version = version + 1", "updated_at = ?"];
  sets.push(...Object.keys(columns).map((column) => `${column} = ?`));
  const { rowCount } = await ex.execute(
    `UPDATE ${table.table} SET ${sets.join(", ")} WHERE id = ? AND version = ?`,
    [write.name, document, now, ...Object.values(columns), id, expectedVersion],
  );
  if (rowCount === 0) return false;
  await writeReferences(ex, table, id, write.references);
  await registryChanged(ex);
  return true;
}

export async function deleteRecord(ex: SqlExecutor, table: RecordTable, id: string): Promise<boolean> {
  const { rowCount } = await ex.execute(`DELETE FROM ${table.table} WHERE id = ?`, [id]);
  if (rowCount > 0) await registryChanged(ex);
  return rowCount > 0;
}
