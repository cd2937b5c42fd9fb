import type { Row } from "../database";

/**
 * How one kind of record is laid out: its table, the fields kept in columns of their own, and the
 * list fields kept in join tables. The domain's KindSpec is one; storage does not know the kinds.
 */
export interface RecordTable {
  kind: string;
  table: string;
  /** How a person names one record of this kind in a message: "auth scope". */
  label: string;
  /** Fields kept in their own columns (unique or queried), by field name. */
  columns: Record<string, { column: string; boolean?: true; unique?: true }>;
  /** List fields stored as rows of a join table that point at records of another kind (by id). */
  references: { field: string; joinTable: string; target: { kind: string; table: string; label: string } }[];
}

/** What every record carries besides its own fields. */
export type RecordMeta = {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
};

/** A record row as selected: meta, the JSON document, and the kind's own columns. */
export interface RecordRow extends Row {
  id: string;
  name: string;
  document: string;
  version: number | string;
  created_at: string;
  updated_at: string;
}

/** The columns a record read selects, optionally prefixed with a table alias. */
export function recordColumns(table: RecordTable, alias?: string): string {
  const columns = ["id", "name", "document", "version", "created_at", "updated_at"];
  columns.push(...Object.values(table.columns).map(({ column }) => column));
  return columns.map((column) => (alias ? `${alias}.${column}` : column)).join(", ");
}

const selectLists = new WeakMap<RecordTable, string>();

/** `SELECT <the record columns> FROM <table>`, built once per table (it is on every read). */
export function selectList(table: RecordTable): string {
  let sql = selectLists.get(table);
  if (sql === undefined) {
    sql = `SELECT ${recordColumns(table)} FROM ${table.table}`;
    selectLists.set(table, sql);
  }
  return sql;
}

/** `?, ?, ?` for n parameters. */
export function marks(count: number): string {
  return count > 0 ? `${"?, ".repeat(count - 1)}?` : "";
}
