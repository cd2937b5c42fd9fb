import type { SqlExecutor } from "../database";
import { marks, type RecordTable } from "./table";

/** A name in a reference field that no record of the target kind has. */
export interface MissingReference {
  path: string;
  message: string;
}

/** Resolves every reference field's names to ids, and lists the names no record has. */
export async function resolveReferences(ex: SqlExecutor, table: RecordTable, fields: object) {
  const values = new Map<string, unknown>(Object.entries(fields));
  const resolved = new Map<string, string[]>();
  const missing: MissingReference[] = [];
  for (const reference of table.references) {
    const names = (values.get(reference.field) as string[] | undefined) ?? [];
    if (names.length === 0) {
      resolved.set(reference.field, []);
      continue;
    }
    const rows = await ex.query<{ id: string; name: string }>(
      `SELECT id, name FROM ${reference.target.table} WHERE name IN (${marks(names.length)})`,
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
  return { resolved, missing };
}

export async function writeReferences(
  ex: SqlExecutor,
  table: RecordTable,
  id: string,
  resolved: Map<string, string[]>,
) {
  for (const reference of table.references) {
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

/** The records whose reference fields point at record `id` (owners: the fields that may). */
export async function referencedBy(
  ex: SqlExecutor,
  owners: { owner: RecordTable; reference: RecordTable["references"][number] }[],
  id: string,
) {
  const found: { kind: string; id: string; name: string }[] = [];
  for (const { owner, reference } of owners) {
    const rows = await ex.query<{ id: string; name: string }>(
      `SELECT o.id, o.name FROM ${reference.joinTable} j JOIN ${owner.table} o ON o.id = j.owner_id WHERE j.target_id = ? ORDER BY o.name`,
      [id],
    );
    found.push(...rows.map((row) => ({ kind: owner.kind, id: row.id, name: row.name })));
  }
  return found;
}
