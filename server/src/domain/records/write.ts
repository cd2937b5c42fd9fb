import type { IdempotencyClaim, StoredResponse } from "../idempotency";
import type { Outcome, RecordMeta } from "./behaviour";

/** The ETag of a record is its version, as a strong entity tag: "3". */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * A write the management API asks for, described as a value: what to do, who asks, and the
 * Idempotency-Key it came with. The service runs it and answers with the response to send.
 */
export type RecordOperation<I> =
  /** Creates a record; it will live at `${collectionUrl}/${id}` (201 Created, Location). */
  | { kind: "create"; input: I; collectionUrl: string }
  /** Replaces a confidential integration's secret: the caller's or a generated one (200). */
  | { kind: "rotateSecret"; id: string; expectedVersion: number | undefined; clientSecret?: string };

export interface RecordWriteRequest<I> {
  actor: string;
  operation: RecordOperation<I>;
  /** With an Idempotency-Key, a retry gets the first response again; its response commits with the write. */
  idempotency?: IdempotencyClaim;
}

export interface WriteResult {
  response: StoredResponse;
  /** True when the response is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** The response a write's outcome is answered with (and replayed as): the record and what it reveals. */
export function responseOf<I, R extends RecordMeta>(
  operation: RecordOperation<I>,
  outcome: Outcome<R>,
): StoredResponse {
  const body = { ...outcome.view, ...outcome.reveal };
  const etag = etagOf(outcome.view.version);
  if (operation.kind === "create") {
    return {
      status: 201,
      headers: { location: `${operation.collectionUrl}/${outcome.view.id}`, etag },
      body,
    };
  }
  return { status: 200, headers: { etag }, body };
}
