import type { ERROR_CODES } from "../../contract";
import { isForeignKeyViolation, isUniqueViolation, type SqlExecutor } from "../../storage/database";
import { findIdBy } from "../../storage/records/read";
import { referencedBy, resolveReferences } from "../../storage/records/references";
import { ApiError } from "../api-error";
import { type KindSpec, referencesTo } from "./kinds";

const UNIQUE_CODES: Record<string, keyof typeof ERROR_CODES> = {
  name: "NAME_TAKEN",
  clientId: "CLIENT_ID_TAKEN",
};

export function notFound(spec: KindSpec, id: string): ApiError {
  return new ApiError(
    "NOT_FOUND",
    `No ${spec.label} has id ${id}. It may have been deleted; list them to find it.`,
  );
}

export function preconditionFailed(spec: KindSpec, currentVersion: number): ApiError {
  return new ApiError(
    "PRECONDITION_FAILED",
    `The ${spec.label} changed since you read it (it is now at version ${currentVersion}). GET it again, reapply your change and send the new ETag in If-Match.`,
    { currentVersion },
  );
}

/** Resolves the reference fields' names to ids; refuses the write when any name is unknown. */
export async function resolveOrRefuse(ex: SqlExecutor, spec: KindSpec, fields: object) {
  const { resolved, missing } = await resolveReferences(ex, spec, fields);
  if (missing.length > 0) {
    throw new ApiError(
      "UNKNOWN_REFERENCE",
      `The ${spec.label} refers to records that do not exist: ${missing.map((m) => `${m.path} (${m.message})`).join("; ")}. Create them first, or remove them from the list.`,
      { errors: missing },
    );
  }
  return resolved;
}

/** Refuses a write whose unique fields belong to another record, naming that record. */
export async function refuseTaken(ex: SqlExecutor, spec: KindSpec, input: object, selfId?: string) {
  const given = new Map<string, unknown>(Object.entries(input));
  const values: [string, string, unknown][] = [["name", "name", given.get("name")]];
  for (const [field, { column, unique }] of Object.entries(spec.columns)) {
    const value = given.get(field);
    if (unique && value !== undefined) values.push([field, column, value]);
  }
  for (const [field, column, value] of values) {
    const existingId = await findIdBy(ex, spec, column, value);
    if (existingId && existingId !== selfId) {
      throw new ApiError(
        UNIQUE_CODES[field] ?? "NAME_TAKEN",
        `A ${spec.label} with ${field} "${String(value)}" already exists (id ${existingId}). Choose another ${field}, or adopt the existing record instead of creating a new one.`,
        { existingId },
      );
    }
  }
}

export async function refuseReferenced(
  ex: SqlExecutor,
  spec: KindSpec,
  record: { id: string; name: string },
) {
  const referrers = await referencedBy(ex, referencesTo(spec), record.id);
  if (referrers.length === 0) return;
  const names = referrers.map((r) => `${r.kind} "${r.name}"`).join(", ");
  throw new ApiError(
    "STILL_REFERENCED",
    `The ${spec.label} "${record.name}" is still referred to by ${names}. Remove it from them first.`,
    { referencedBy: referrers },
  );
}

/** Runs a write; a constraint that a concurrent write tripped is reported as the checks would. */
export async function guarded<T>(
  db: { transaction<X>(fn: (tx: SqlExecutor) => Promise<X>): Promise<X> } & SqlExecutor,
  spec: KindSpec,
  input: object,
  write: (tx: SqlExecutor) => Promise<T>,
  selfId?: string,
): Promise<T> {
  try {
    return await db.transaction(write);
  } catch (error) {
    if (isUniqueViolation(error)) {
      await refuseTaken(db, spec, input, selfId);
      throw new ApiError(
        "NAME_TAKEN",
        `A ${spec.label} with these unique values was just created by another request. Retry to see which.`,
      );
    }
    if (isForeignKeyViolation(error)) {
      throw new ApiError(
        "UNKNOWN_REFERENCE",
        `A record this ${spec.label} refers to was deleted while the request ran. Check the references and retry.`,
      );
    }
    throw error;
  }
}
