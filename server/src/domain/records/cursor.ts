import { ApiError } from "../api-error";

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An opaque page cursor: the last id of the previous page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!ID.test(id)) {
    throw new ApiError("VALIDATION_FAILED", "cursor is not a nextCursor value from a previous page.", {
      errors: [{ path: "cursor", message: "must be a nextCursor value from a previous page" }],
    });
  }
  return id;
}
