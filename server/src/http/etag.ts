import { ApiError } from "../domain/api-error";

export { etagOf } from "../domain/records/write";

/**
 * The version an If-Match header names. PUT requires one (428 without it); DELETE and
 * rotate-secret accept one. `*` matches any version.
 */
export function versionFromIfMatch(header: string | undefined, required: boolean): number | undefined {
  if (header === undefined || header === "") {
    if (!required) return undefined;
    throw new ApiError(
      "PRECONDITION_REQUIRED",
      'A full replace must say which version it replaces: send If-Match with the ETag from your last GET (e.g. If-Match: "3").',
    );
  }
  if (header.trim() === "*") return undefined;
  const match = /^\s*"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new ApiError(
      "PRECONDITION_FAILED",
      'If-Match must be a single ETag as a GET returned it, e.g. "3" (weak tags W/"..." do not match).',
    );
  }
  return Number(match[1]);
}
