import type { SqlExecutor } from "../../storage/database";
import { findById } from "../../storage/records/read";
import { insertRecord, updateRecord } from "../../storage/records/write";
import { fieldChanges, writeAudit } from "../audit";
import type { Prepared, RecordMeta } from "./behaviour";
import type { KindSpec } from "./kinds";
import { notFound, preconditionFailed, resolveOrRefuse } from "./refusals";

/** Who writes, when, to which kind: what every step of a write in one transaction needs. */
export interface WriteContext {
  tx: SqlExecutor;
  spec: KindSpec;
  actor: string;
  now: string;
}

/** Inserts a prepared record, runs its after-step and audits it; returns the record as stored. */
export async function commitCreate<R extends RecordMeta>(
  ctx: WriteContext,
  id: string,
  name: string,
  prepared: Prepared<R>,
): Promise<R> {
  const { tx, spec } = ctx;
  const references = await resolveOrRefuse(tx, spec, prepared.fields);
  await insertRecord(tx, spec, id, { name, fields: prepared.fields, references }, ctx.now);
  await prepared.after?.(tx, id);
  const view = (await findById<R>(tx, spec, id))!;
  await audit(ctx, "create", view, [...fieldChanges(undefined, view), ...(prepared.secretChanges ?? [])]);
  return view;
}

/** An update of `previous`: its (possibly new) name and the prepared fields. */
export interface Change<R extends RecordMeta> {
  action: "update" | "rotateSecret";
  previous: R;
  name: string;
  prepared: Prepared<R>;
}

/** Replaces `previous` if it is still at its version (else 412 or 404), audited. */
export async function commitUpdate<R extends RecordMeta>(ctx: WriteContext, change: Change<R>): Promise<R> {
  const { tx, spec } = ctx;
  const { action, previous, name, prepared } = change;
  const references = await resolveOrRefuse(tx, spec, prepared.fields);
  const write = { name, fields: prepared.fields, references };
  const updated = await updateRecord(tx, spec, previous.id, previous.version, write, ctx.now);
  if (!updated) {
    const current = await findById<R>(tx, spec, previous.id);
    throw current ? preconditionFailed(spec, current.version) : notFound(spec, previous.id);
  }
  await prepared.after?.(tx, previous.id);
  const view = (await findById<R>(tx, spec, previous.id))!;
  await audit(ctx, action, view, [...fieldChanges(previous, view), ...(prepared.secretChanges ?? [])]);
  return view;
}

/** The record at `id`, refused (404, or 412 when it is no longer at the expected version). */
export async function loadAt<R extends RecordMeta>(
  ex: SqlExecutor,
  spec: KindSpec,
  id: string,
  expectedVersion: number | undefined,
): Promise<R> {
  const record = await findById<R>(ex, spec, id);
  if (!record) throw notFound(spec, id);
  if (expectedVersion !== undefined && record.version !== expectedVersion) {
    throw preconditionFailed(spec, record.version);
  }
  return record;
}

async function audit(
  ctx: WriteContext,
  action: "create" | "update" | "rotateSecret" | "delete",
  record: RecordMeta,
  changes: ReturnType<typeof fieldChanges>,
) {
  await writeAudit(ctx.tx, {
    actor: ctx.actor,
    action,
    recordKind: ctx.spec.kind,
    recordId: record.id,
    recordName: record.name,
    changes,
    at: ctx.now,
  });
}

/** Audits a delete (the caller removed the row in `ctx.tx`). */
export async function auditDelete(ctx: WriteContext, record: RecordMeta): Promise<void> {
  await audit(ctx, "delete", record, fieldChanges(record, undefined));
}
