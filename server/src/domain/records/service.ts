import type { ERROR_CODES, FieldChange } from "../../contract";
import {
  type Database,
  isForeignKeyViolation,
  isUniqueViolation,
  type SqlExecutor,
} from "../../storage/database";
import { ApiError } from "../api-error";
import { fieldChanges, writeAudit } from "../audit";
import type { Clock } from "../clock";
import { uuidv7 } from "../ids";
import { decodeCursor } from "./cursor";
import type { KindSpec } from "./kinds";
import {
  deleteRecord,
  findById,
  findIdBy,
  insertRecord,
  listRecords,
  referencedBy,
  type StoredRecord,
  updateRecord,
} from "./store";

/** What a kind turns a validated input into, inside the write's transaction. */
export interface Prepared {
  /** Every field but name and meta (name is written from the input). */
  fields: Record<string, unknown>;
  /** Runs after the row is written, in the same transaction (e.g. store a secret's hash). */
  after?: (tx: SqlExecutor, id: string) => Promise<void>;
  /** Audit entries for secrets that changed: field names only, never values. */
  secretChanges?: FieldChange[];
  /** Returned once to the caller (a generated client secret); never stored in plain text. */
  reveal?: Record<string, unknown>;
}

export interface KindBehaviour<I extends { name: string }> {
  /**
   * Slow work that needs no lock (hashing a password), done before the write's transaction
   * starts; its result is handed to prepareCreate/prepareReplace.
   */
  precompute?(db: SqlExecutor, input: I, id?: string): Promise<unknown>;
  prepareCreate(tx: SqlExecutor, input: I, precomputed?: unknown): Promise<Prepared>;
  prepareReplace(tx: SqlExecutor, input: I, previous: StoredRecord, precomputed?: unknown): Promise<Prepared>;
  /** Refuses a delete for a reason of the kind's own (deletion protection, built-in). */
  checkDelete?(record: StoredRecord): void;
}

export type View = Record<string, unknown> & { id: string; name: string; version: number };

export function toView(record: StoredRecord): View {
  return {
    id: record.id,
    name: record.name,
    ...record.fields,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface Outcome {
  view: View;
  reveal?: Record<string, unknown>;
}

export type Finish<R> = (tx: SqlExecutor, outcome: Outcome) => Promise<R>;

async function finishWith<R>(tx: SqlExecutor, outcome: Outcome, finish?: Finish<R>): Promise<R> {
  return finish ? finish(tx, outcome) : (outcome as R);
}

/** If-Match: * retries: each round one of the contending writers wins, so this bounds the wait. */
const MAX_STAR_ATTEMPTS = 25;

const UNIQUE_CODES: Record<string, keyof typeof ERROR_CODES> = {
  name: "NAME_TAKEN",
  clientId: "CLIENT_ID_TAKEN",
};

/**
 * Create, read, replace and delete for one kind of record, each write atomic and audited.
 * Optimistic concurrency: a replace names the version it read and loses to any write since.
 */
export class RecordService<I extends { name: string }> {
  constructor(
    readonly db: Database,
    readonly spec: KindSpec,
    private readonly behaviour: KindBehaviour<I>,
    private readonly clock: Clock,
  ) {}

  async get(id: string): Promise<View> {
    const record = await findById(this.db, this.spec, id);
    if (!record) throw this.notFound(id);
    return toView(record);
  }

  async list(filters: Record<string, string | undefined>, page: { cursor?: string; limit: number }) {
    const afterId = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const { records, nextCursor } = await listRecords(this.db, this.spec, {
      filters,
      afterId,
      limit: page.limit,
    });
    return { items: records.map(toView), nextCursor };
  }

  /**
   * Creates a record. `finish` runs inside the same transaction with the outcome, so that what it
   * records (an idempotent response) commits with the write or not at all.
   */
  async create<R = Outcome>(actor: string, input: I, finish?: Finish<R>): Promise<R> {
    const precomputed = await this.behaviour.precompute?.(this.db, input);
    return this.guard(input, async (tx) => {
      await this.refuseTaken(tx, input);
      const prepared = await this.behaviour.prepareCreate(tx, input, precomputed);
      const id = uuidv7();
      const now = this.clock.now().toISOString();
      await insertRecord(tx, this.spec, id, { name: input.name, fields: prepared.fields }, now);
      await prepared.after?.(tx, id);
      const view = toView((await findById(tx, this.spec, id))!);
      await writeAudit(tx, {
        actor,
        action: "create",
        recordKind: this.spec.kind,
        recordId: id,
        recordName: view.name,
        changes: [...fieldChanges(undefined, view), ...(prepared.secretChanges ?? [])],
        at: now,
      });
      return finishWith(tx, { view, reveal: prepared.reveal }, finish);
    });
  }

  /**
   * Replaces a record. With an expected version, loses to any write since (412); without one
   * (If-Match: *), replaces whatever version is current, retrying if another write lands first.
   */
  async replace(actor: string, id: string, expectedVersion: number | undefined, input: I): Promise<View> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.replaceOnce(actor, id, expectedVersion, input);
      } catch (error) {
        const retry = expectedVersion === undefined && attempt < MAX_STAR_ATTEMPTS;
        if (!retry || !(error instanceof ApiError) || error.code !== "PRECONDITION_FAILED") throw error;
      }
    }
  }

  private async replaceOnce(
    actor: string,
    id: string,
    expectedVersion: number | undefined,
    input: I,
  ): Promise<View> {
    const precomputed = await this.behaviour.precompute?.(this.db, input, id);
    return this.guard(
      input,
      async (tx) => {
        const previous = await this.loadAt(tx, id, expectedVersion);
        await this.refuseTaken(tx, input, id);
        const prepared = await this.behaviour.prepareReplace(tx, input, previous, precomputed);
        return this.commitUpdate(tx, actor, "update", previous, input.name, prepared);
      },
      id,
    );
  }

  /** Applies a change the kind computes from the current record (e.g. a secret rotation). */
  async change<R = Outcome>(
    actor: string,
    id: string,
    expectedVersion: number | undefined,
    action: "rotateSecret",
    prepare: (tx: SqlExecutor, previous: StoredRecord) => Promise<Prepared>,
    finish?: Finish<R>,
  ): Promise<R> {
    return this.db.transaction(async (tx) => {
      const previous = await this.loadAt(tx, id, expectedVersion);
      const prepared = await prepare(tx, previous);
      const view = await this.commitUpdate(tx, actor, action, previous, previous.name, prepared);
      return finishWith(tx, { view, reveal: prepared.reveal }, finish);
    });
  }

  async remove(actor: string, id: string, expectedVersion?: number): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const record = await this.loadAt(tx, id, expectedVersion);
        this.behaviour.checkDelete?.(record);
        await this.refuseReferenced(tx, record);
        await deleteRecord(tx, this.spec, id);
        await writeAudit(tx, {
          actor,
          action: "delete",
          recordKind: this.spec.kind,
          recordId: id,
          recordName: record.name,
          changes: fieldChanges(toView(record), undefined),
          at: this.clock.now().toISOString(),
        });
      });
    } catch (error) {
      // A reference added by a concurrent write after our check: report it like the check would.
      if (!isForeignKeyViolation(error)) throw error;
      const record = await findById(this.db, this.spec, id);
      if (record) await this.refuseReferenced(this.db, record);
      throw error;
    }
  }

  private async commitUpdate(
    tx: SqlExecutor,
    actor: string,
    action: "update" | "rotateSecret",
    previous: StoredRecord,
    name: string,
    prepared: Prepared,
  ): Promise<View> {
    const now = this.clock.now().toISOString();
    const write = { name, fields: prepared.fields };
    const updated = await updateRecord(tx, this.spec, previous.id, previous.version, write, now);
    if (!updated) throw await this.stale(tx, previous.id);
    await prepared.after?.(tx, previous.id);
    const view = toView((await findById(tx, this.spec, previous.id))!);
    await writeAudit(tx, {
      actor,
      action,
      recordKind: this.spec.kind,
      recordId: previous.id,
      recordName: view.name,
      changes: [...fieldChanges(toView(previous), view), ...(prepared.secretChanges ?? [])],
      at: now,
    });
    return view;
  }

  private async loadAt(
    ex: SqlExecutor,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<StoredRecord> {
    const record = await findById(ex, this.spec, id);
    if (!record) throw this.notFound(id);
    if (expectedVersion !== undefined && record.version !== expectedVersion) {
      throw this.preconditionFailed(record.version);
    }
    return record;
  }

  private async stale(ex: SqlExecutor, id: string): Promise<ApiError> {
    const current = await findById(ex, this.spec, id);
    return current ? this.preconditionFailed(current.version) : this.notFound(id);
  }

  private preconditionFailed(currentVersion: number): ApiError {
    return new ApiError(
      "PRECONDITION_FAILED",
      `The ${this.spec.label} changed since you read it (it is now at version ${currentVersion}). GET it again, reapply your change and send the new ETag in If-Match.`,
      { currentVersion },
    );
  }

  private notFound(id: string): ApiError {
    return new ApiError(
      "NOT_FOUND",
      `No ${this.spec.label} has id ${id}. It may have been deleted; list them to find it.`,
    );
  }

  /** Refuses a write whose unique fields belong to another record, naming that record. */
  private async refuseTaken(ex: SqlExecutor, input: I, selfId?: string): Promise<void> {
    const values: [string, string, unknown][] = [["name", "name", input.name]];
    for (const [field, { column, unique }] of Object.entries(this.spec.columns)) {
      const value = (input as Record<string, unknown>)[field];
      if (unique && value !== undefined) values.push([field, column, value]);
    }
    for (const [field, column, value] of values) {
      const existingId = await findIdBy(ex, this.spec, column, value);
      if (existingId && existingId !== selfId) {
        throw new ApiError(
          UNIQUE_CODES[field] ?? "NAME_TAKEN",
          `A ${this.spec.label} with ${field} "${String(value)}" already exists (id ${existingId}). Choose another ${field}, or adopt the existing record instead of creating a new one.`,
          { existingId },
        );
      }
    }
  }

  private async refuseReferenced(ex: SqlExecutor, record: StoredRecord): Promise<void> {
    const referrers = await referencedBy(ex, this.spec, record.id);
    if (referrers.length === 0) return;
    const names = referrers.map((r) => `${r.kind} "${r.name}"`).join(", ");
    throw new ApiError(
      "STILL_REFERENCED",
      `The ${this.spec.label} "${record.name}" is still referred to by ${names}. Remove it from them first.`,
      { referencedBy: referrers },
    );
  }

  /** Runs a write; a constraint that a concurrent write tripped is reported as the checks would. */
  private async guard<T>(input: I, write: (tx: SqlExecutor) => Promise<T>, selfId?: string): Promise<T> {
    try {
      return await this.db.transaction(write);
    } catch (error) {
      if (isUniqueViolation(error)) {
        await this.refuseTaken(this.db, input, selfId);
        throw new ApiError(
          "NAME_TAKEN",
          `A ${this.spec.label} with these unique values was just created by another request. Retry to see which.`,
        );
      }
      if (isForeignKeyViolation(error)) {
        throw new ApiError(
          "UNKNOWN_REFERENCE",
          `A record this ${this.spec.label} refers to was deleted while the request ran. Check the references and retry.`,
        );
      }
      throw error;
    }
  }
}
