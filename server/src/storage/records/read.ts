import type { SqlExecutor } from "../database";
import { decodeRecord } from "./decode";
import { marks, type RecordMeta, type RecordRow, type RecordTable, selectList } from "./table";

/** Decodes rows and fills their reference lists (names, in their stored order). */
export async function withReferences<R extends RecordMeta>(
  ex: SqlExecutor,
  table: RecordTable,
  rows: RecordRow[],
): Promise<R[]> {
  const decoded = rows.map((row) => decodeRecord<R>(table, row));
  if (decoded.length === 0 || table.references.length === 0) return decoded.map((d) => d.record);
  const byId = new Map(decoded.map((d) => [d.record.id, d.lists]));
  const ids = decoded.map((d) => d.record.id);
  for (const reference of table.references) {
    const links = await ex.query<{ owner_id: string; name: string }>(
      `SELECT j.owner_id, t.name FROM ${reference.joinTable} j JOIN ${reference.target.table} t ON t.id = j.target_id
       WHERE j.owner_id IN (${marks(ids.length)}) ORDER BY j.owner_id, j.position`,
      ids,
    );
    for (const link of links) byId.get(link.owner_id)!.get(reference.field)!.push(link.name);
  }
  return decoded.map((d) => d.record);
}

export async function findById<R extends RecordMeta>(
  ex: SqlExecutor,
  table: RecordTable,
  id: string,
): Promise<R | undefined> {
  const rows = await ex.query<RecordRow>(`${selectList(table)} WHERE id = ?`, [id]);
  return (await withReferences<R>(ex, table, rows))[0];
}

export async function findIdBy(ex: SqlExecutor, table: RecordTable, column: string, value: unknown) {
  const rows = await ex.query<{ id: string }>(`SELECT id FROM ${table.table} WHERE ${column} = ?`, [value]);
  return rows[0]?.id;
}

export interface ListOptions {
  /** Exact-match filters, by field name (name or a column field). */
  filters: Record<string, string | undefined>;
  afterId?: string;
  limit: number;
}

/** One page in id order; `more` says whether records follow it. */
export async function listRecords<R extends RecordMeta>(
  ex: SqlExecutor,
  table: RecordTable,
  options: ListOptions,
): Promise<{ records: R[]; more: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [field, value] of Object.entries(options.filters)) {
    if (value === undefined) continue;
    const column = field === "name" ? "name" : table.columns[field]?.column;
    if (!column) throw new Error(`${table.table} cannot be filtered by ${field}`);
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (options.afterId) {
    where.push("id > ?");
    params.push(options.afterId);
  }
  const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const rows = await ex.query<RecordRow>(`${selectList(table)}${clause} ORDER BY id LIMIT ?`, [
    ...params,
    options.limit + 1,
  ]);
  const page = rows.slice(0, options.limit);
  return { records: await withReferences<R>(ex, table, page), more: rows.length > options.limit };
}

/** Every record of a kind, page by page. */
export async function listAll<R extends RecordMeta>(ex: SqlExecutor, table: RecordTable): Promise<R[]> {
  const items: R[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await listRecords<R>(ex, table, { filters: {}, afterId, limit: 200 });
    items.push(...page.records);
    if (!page.more) return items;
    afterId = page.records.at(-1)!.id;
  }
}
