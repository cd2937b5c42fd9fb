import { PageQueryShape } from "../../src/contract";
import { ApiError } from "../../src/domain/api-error";
import { uuidv7 } from "../../src/domain/ids";
import { decodeCursor, encodeCursor } from "../../src/domain/records/cursor";
import { etagOf, versionFromIfMatch } from "../../src/http/etag";

/** The ApiError `fn` throws (fails the test when it throws nothing or something else). */
function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError, but nothing was thrown");
}

describe("etagOf", () => {
  it("is the version as a strong entity tag", () => {
    expect(etagOf(3)).toBe('"3"');
    expect(etagOf(1)).toBe('"1"');
  });
});

describe("versionFromIfMatch", () => {
  it("refuses a missing If-Match when one is required: 428 PRECONDITION_REQUIRED", () => {
    for (const header of [undefined, ""]) {
      const error = apiErrorOf(() => versionFromIfMatch(header, true));
      expect(error.code).toBe("PRECONDITION_REQUIRED");
      expect(error.status).toBe(428);
    }
  });

  it("accepts a missing If-Match when none is required (no precondition)", () => {
    expect(versionFromIfMatch(undefined, false)).toBeUndefined();
    expect(versionFromIfMatch("", false)).toBeUndefined();
  });

  it('treats "*" as matching any version', () => {
    expect(versionFromIfMatch("*", true)).toBeUndefined();
    expect(versionFromIfMatch(" * ", false)).toBeUndefined();
  });

  it('reads the version from a strong tag: "3" is 3', () => {
    expect(versionFromIfMatch('"3"', true)).toBe(3);
    expect(versionFromIfMatch(' "42" ', false)).toBe(42);
  });

  it("round-trips every ETag the server sends", () => {
    for (const version of [1, 2, 10, 999_999_999]) {
      expect(versionFromIfMatch(etagOf(version), true)).toBe(version);
    }
  });

  it.each([
    ["a weak tag", 'W/"3"'],
    ["an unquoted version", "3"],
    ["a list of tags", '"3", "4"'],
    ["a non-numeric tag", '"abc"'],
    ["a negative version", '"-1"'],
    ["a ten-digit version", '"1234567890"'],
  ])("refuses %s with 412 PRECONDITION_FAILED", (_what, header) => {
    const error = apiErrorOf(() => versionFromIfMatch(header, false));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.status).toBe(412);
  });
});

describe("encodeCursor / decodeCursor", () => {
  const cursorQuery = PageQueryShape.cursor;

  it("round-trips a record id", () => {
    for (let i = 0; i < 50; i++) {
      const id = uuidv7();
      expect(decodeCursor(encodeCursor(id))).toBe(id);
    }
  });

  it("produces a cursor that the list query schema accepts (URL-safe, at most 200 characters)", () => {
    const cursor = encodeCursor(uuidv7());
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursorQuery.safeParse(cursor).success).toBe(true);
  });

  it("does not show the id in plain text", () => {
    const id = uuidv7();
    expect(encodeCursor(id)).not.toContain(id);
  });

  it.each([
    ["garbage", "not-a-cursor"],
    ["an empty string", ""],
    ["an id that is not a UUID", encodeCursor("42")],
    ["a UUID with trailing bytes", encodeCursor(`${uuidv7()}x`)],
    ["an upper-case UUID", encodeCursor(uuidv7().toUpperCase())],
    ["SQL in disguise", encodeCursor("' OR 1=1 --")],
  ])("refuses %s with 400 VALIDATION_FAILED at path cursor", (_what, cursor) => {
    const error = apiErrorOf(() => decodeCursor(cursor));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.status).toBe(400);
    expect(error.extras.errors).toEqual([
      { path: "cursor", message: "must be a nextCursor value from a previous page" },
    ]);
  });
});
