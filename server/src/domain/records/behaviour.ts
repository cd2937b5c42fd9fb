import type { FieldChange } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import type { RecordMeta } from "../../storage/records/table";

export type { RecordMeta };

/** A record's own fields: everything but its name and meta. */
export type Fields<R extends RecordMeta> = Omit<R, keyof RecordMeta>;

/** Values returned once to the caller (a generated client secret); never stored in plain text. */
export type Reveal = { clientSecret: string | null };

/** What a kind turns a validated input into, inside the write's transaction. */
export interface Prepared<R extends RecordMeta> {
  /** Every field but name and meta (name is written from the input). */
  fields: Fields<R>;
  /** Runs after the row is written, in the same transaction (e.g. store a secret's hash). */
  after?: (tx: SqlExecutor, id: string) => Promise<void>;
  /** Audit entries for secrets that changed: field names only, never values. */
  secretChanges?: FieldChange[];
  reveal?: Reveal;
}

/**
 * How one kind of record behaves on writes. I: its validated input; R: the record as reads return
 * it; P: the slow work done before the write's transaction (see precompute).
 */
export interface KindBehaviour<I extends { name: string }, R extends RecordMeta, P = undefined> {
  /**
   * Slow work that needs no lock (hashing a password), done before the write's transaction
   * starts; its result is handed to prepareCreate/prepareReplace.
   */
  precompute?(db: SqlExecutor, input: I, id?: string): Promise<P>;
  prepareCreate(tx: SqlExecutor, input: I, precomputed?: P): Promise<Prepared<R>>;
  prepareReplace(tx: SqlExecutor, input: I, previous: R, precomputed?: P): Promise<Prepared<R>>;
  /** Refuses a delete for a reason of the kind's own (deletion protection, built-in). */
  checkDelete?(record: R): void;
  /** A new client secret, generated or the caller's (integrations only). */
  rotateSecret?(previous: R, secret: string | undefined): Prepared<R>;
}

/** What a write returns: the record as it now is, and what is revealed only this once. */
export interface Outcome<R extends RecordMeta> {
  view: R;
  reveal?: Reveal;
}
