import { type Database, isForeignKeyViolation, type SqlExecutor } from "../../storage/database";
import { findById, listRecords } from "../../storage/records/read";
import { deleteRecord } from "../../storage/records/write";
import { ApiError } from "../api-error";
import type { Clock } from "../clock";
import { findReplay, saveResponse } from "../idempotency";
import { uuidv7 } from "../ids";
import type { KindBehaviour, Outcome, RecordMeta } from "./behaviour";
import { auditDelete, commitCreate, commitUpdate, loadAt, type WriteContext } from "./commit";
import { decodeCursor, encodeCursor } from "./cursor";
import type { Lookup, PerGeneration } from "./generation-cache";
import type { KindSpec } from "./kinds";
import { guarded, notFound, refuseReferenced, refuseTaken } from "./refusals";
import { type RecordWriteRequest, responseOf, type WriteResult } from "./write";

/** If-Match: * retries: each round one of the contending writers wins, so this bounds the wait. */
const MAX_STAR_ATTEMPTS = 25;

/**
 * Create, read, replace and delete for one kind of record (I: its input, R: the record as reads
 * return it), each write atomic and audited. Optimistic concurrency: a replace names the version it
 * read and loses to any write since.
 */
export class RecordService<I extends { name: string }, R extends RecordMeta, P = undefined> {
  constructor(
    readonly db: Database,
    readonly spec: KindSpec,
    private readonly behaviour: KindBehaviour<I, R, P>,
    private readonly clock: Clock,
    /** Reads by id kept per registry generation (shared by the kinds' services); none: every read goes to the database. */
    private readonly reads?: PerGeneration<Lookup<RecordMeta | undefined>>,
  ) {}

  /**
   * A record by id, as of this moment's registry generation, or of `generation` when the request
   * read it already (frozen: it may be shared).
   */
  async get(id: string, generation?: number): Promise<R> {
    const read = () => findById<R>(this.db, this.spec, id);
    const record = this.reads
      ? ((await (generation === undefined ? await this.reads.current() : this.reads.at(generation)).get(
          `${this.spec.table}:${id}`,
          read,
        )) as R | undefined)
      : await read();
    if (!record) throw notFound(this.spec, id);
    return record;
  }

  async list(filters: Record<string, string | undefined>, page: { cursor?: string; limit: number }) {
    const afterId = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const { records, more } = await listRecords<R>(this.db, this.spec, {
      filters,
      afterId,
      limit: page.limit,
    });
    const last = records.at(-1);
    return { items: records, nextCursor: more && last ? encodeCursor(last.id) : null };
  }

  /** Creates a record. */
  async create(actor: string, input: I): Promise<Outcome<R>> {
    return this.createRecord(actor, input);
  }

  /**
   * Runs a write the management API describes (a create, a secret rotation). With an
   * Idempotency-Key, a retry of the same request gets the first response again, and the response
   * is recorded in the write's own transaction so that it commits with the write or not at all.
   */
  async write(request: RecordWriteRequest<I>): Promise<WriteResult> {
    const { actor, operation, idempotency } = request;
    if (idempotency) {
      const earlier = await findReplay(this.db, idempotency, this.clock.now());
      if (earlier) return { response: earlier, replayed: true };
    }
    const record: InTransaction<R> | undefined =
      idempotency &&
      ((tx, outcome) => saveResponse(tx, idempotency, responseOf(operation, outcome), this.clock.now()));
    try {
      const outcome =
        operation.kind === "create"
          ? await this.createRecord(actor, operation.input, record)
          : await this.rotateSecret(actor, operation, record);
      return { response: responseOf(operation, outcome), replayed: false };
    } catch (error) {
      // A concurrent request with the same key may have won: its response is the answer.
      const winner = idempotency && (await findReplay(this.db, idempotency, this.clock.now()));
      if (winner) return { response: winner, replayed: true };
      throw error;
    }
  }

  private async createRecord(actor: string, input: I, also?: InTransaction<R>): Promise<Outcome<R>> {
    const precomputed = await this.behaviour.precompute?.(this.db, input);
    return guarded(this.db, this.spec, input, async (tx) => {
      await refuseTaken(tx, this.spec, input);
      const prepared = await this.behaviour.prepareCreate(tx, input, precomputed);
      const view = await commitCreate(this.context(tx, actor), uuidv7(), input.name, prepared);
      const outcome = { view, reveal: prepared.reveal };
      await also?.(tx, outcome);
      return outcome;
    });
  }

  /**
   * Replaces a record. With an expected version, loses to any write since (412); without one
   * (If-Match: *), replaces whatever version is current, retrying if another write lands first.
   */
  async replace(actor: string, id: string, expectedVersion: number | undefined, input: I): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.replaceOnce(actor, id, expectedVersion, input);
      } catch (error) {
        const retry = expectedVersion === undefined && attempt < MAX_STAR_ATTEMPTS;
        if (!retry || !(error instanceof ApiError) || error.code !== "PRECONDITION_FAILED") throw error;
      }
    }
  }

  private async replaceOnce(actor: string, id: string, expectedVersion: number | undefined, input: I) {
    const precomputed = await this.behaviour.precompute?.(this.db, input, id);
    const write = async (tx: SqlExecutor) => {
      const previous = await loadAt<R>(tx, this.spec, id, expectedVersion);
      await refuseTaken(tx, this.spec, input, id);
      const prepared = await this.behaviour.prepareReplace(tx, input, previous, precomputed);
      return commitUpdate(this.context(tx, actor), {
        action: "update",
        previous,
        name: input.name,
        prepared,
      });
    };
    return guarded(this.db, this.spec, input, write, id);
  }

  /** Replaces an integration's client secret (the kind computes the change from the record). */
  private async rotateSecret(
    actor: string,
    operation: { id: string; expectedVersion: number | undefined; clientSecret?: string },
    also?: InTransaction<R>,
  ): Promise<Outcome<R>> {
    const rotate = this.behaviour.rotateSecret;
    if (!rotate) throw new Error(`${this.spec.kind} records have no secret to rotate`);
    return this.db.transaction(async (tx) => {
      const previous = await loadAt<R>(tx, this.spec, operation.id, operation.expectedVersion);
      const prepared = rotate(previous, operation.clientSecret);
      const change = { action: "rotateSecret" as const, previous, name: previous.name, prepared };
      const view = await commitUpdate(this.context(tx, actor), change);
      const outcome = { view, reveal: prepared.reveal };
      await also?.(tx, outcome);
      return outcome;
    });
  }

  async remove(actor: string, id: string, expectedVersion?: number): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const record = await loadAt<R>(tx, this.spec, id, expectedVersion);
        this.behaviour.checkDelete?.(record);
        await refuseReferenced(tx, this.spec, record);
        await deleteRecord(tx, this.spec, id);
        await auditDelete(this.context(tx, actor), record);
      });
    } catch (error) {
      // A reference added by a concurrent write after our check: report it like the check would.
      if (!isForeignKeyViolation(error)) throw error;
      const record = await findById<R>(this.db, this.spec, id);
      if (record) await refuseReferenced(this.db, this.spec, record);
      throw error;
    }
  }

  private context(tx: SqlExecutor, actor: string): WriteContext {
    return { tx, spec: this.spec, actor, now: this.clock.now().toISOString() };
  }
}

/** A step of the service's own that commits with a write (recording its idempotent response). */
type InTransaction<R extends RecordMeta> = (tx: SqlExecutor, outcome: Outcome<R>) => Promise<void>;
