import type { RecordMeta, RecordRow, RecordTable } from "./table";

/** A decoded record with the lists its reference fields are filled into. */
export interface Decoded<R> {
  record: R;
  lists: Map<string, string[]>;
}

/**
 * The one place a stored record is read: the row's meta, its JSON document, its own columns and
 * its reference lists (empty here, filled by the caller), in the order every read returns them.
 * The document is trusted: only the record service writes it, from input the contract validated.
 */
const columnLists = new WeakMap<RecordTable, [string, RecordTable["columns"][string]][]>();

/** A table's own columns as a list, made once per table (decoding runs for every row read). */
function columnsOf(table: RecordTable) {
  let columns = columnLists.get(table);
  if (!columns) {
    columns = Object.entries(table.columns);
    columnLists.set(table, columns);
  }
  return columns;
}

export function decodeRecord<R extends RecordMeta>(table: RecordTable, row: RecordRow): Decoded<R> {
  const own: Record<string, unknown> = {};
  for (const [field, { column, boolean }] of columnsOf(table)) {
    own[field] = boolean ? Number(row[column]) === 1 : row[column];
  }
  const lists = new Map<string, string[]>();
  for (const reference of table.references) {
    const names: string[] = [];
    lists.set(reference.field, names);
    own[reference.field] = names;
  }
  const record: R = {
    id: row.id,
    name: row.name,
    ...JSON.parse(row.document),
    ...own,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return { record, lists };
}
