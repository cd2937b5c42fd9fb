import { canonicalJson } from "../../src/contract";
import { ApiError } from "../../src/domain/api-error";
import { checkKeyFormat, requestHash } from "../../src/domain/idempotency";

describe("canonicalJson", () => {
  it("does not depend on the order of object keys, at any depth", () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: "x" } };
    const b = { a: { c: "x", d: [1, { x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it("keeps the order of array entries (it is meaningful, e.g. redirect URLs)", () => {
    expect(canonicalJson(["a", "b"])).not.toBe(canonicalJson(["b", "a"]));
  });

  it("tells apart values that differ only in type", () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ a: true })).not.toBe(canonicalJson({ a: "true" }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({ a: "null" }));
  });

  it("escapes keys and strings as JSON does", () => {
    expect(canonicalJson({ 'k"\n': 'v"\\' })).toBe(JSON.stringify({ 'k"\n': 'v"\\' }));
  });

  it("writes a missing body as null", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson(null)).toBe("null");
  });
});

const KEY = "0b6f4a52-8d0e-4c55-9a57-2f7d2f7b3c11";

describe("requestHash", () => {
  it("depends on the Idempotency-Key, so a stored hash cannot test guesses of the body", () => {
    const body = { name: "u", password: "correct horse battery" };
    expect(requestHash(KEY, "POST", "/api/v1/users", body)).not.toBe(
      requestHash(`${KEY}x`, "POST", "/api/v1/users", body),
    );
  });

  const body = { name: "Web app", redirectUrls: ["https://app.example.com/cb"] };
  const base = requestHash(KEY, "POST", "/api/v1/integrations", body);

  it("is the same for the same request, whatever the key order of its body", () => {
    expect(
      requestHash(KEY, "POST", "/api/v1/integrations", { redirectUrls: body.redirectUrls, name: body.name }),
    ).toBe(base);
  });

  it("differs by method", () => {
    expect(requestHash(KEY, "PUT", "/api/v1/integrations", body)).not.toBe(base);
  });

  it("differs by path", () => {
    expect(requestHash(KEY, "POST", "/api/v1/auth-scopes", body)).not.toBe(base);
    expect(requestHash(KEY, "POST", "/api/v1/integrations?x=1", body)).not.toBe(base);
  });

  it("differs by body", () => {
    expect(requestHash(KEY, "POST", "/api/v1/integrations", { ...body, name: "Web app 2" })).not.toBe(base);
    expect(requestHash(KEY, "POST", "/api/v1/integrations", undefined)).not.toBe(base);
  });

  it("cannot be confused by moving text between path and body", () => {
    expect(requestHash(KEY, "POST", "/a\nnull", undefined)).not.toBe(requestHash(KEY, "POST", "/a", "null"));
  });

  it("is a SHA-256 in URL-safe base64 that does not contain the body", () => {
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(requestHash(KEY, "POST", "/x", { clientSecret: "s".repeat(40) })).not.toContain("s".repeat(40));
  });
});

describe("checkKeyFormat", () => {
  const codeOf = (key: string) => {
    try {
      checkKeyFormat(key);
      return "accepted";
    } catch (error) {
      return error instanceof ApiError ? `${error.status} ${error.code}` : String(error);
    }
  };

  it.each([
    ["a random UUID", "0b9c7a3e-6f1d-4c52-9a8e-2f4b1d7c9e01"],
    ["16 characters", "a".repeat(16)],
    ["255 characters", "a".repeat(255)],
    ["printable punctuation", "key:!#$%&'()*+,-./"],
  ])("accepts %s", (_what, key) => {
    expect(codeOf(key)).toBe("accepted");
  });

  it.each([
    ["15 characters", "a".repeat(15)],
    ["256 characters", "a".repeat(256)],
    ["a space", "0b9c7a3e 6f1d-4c52-9a8e-2f4b1d7c9e01"],
    ["a tab", "0b9c7a3e\t6f1d-4c52-9a8e-2f4b1d7c9e01"],
    ["a non-ASCII character", "clé-idempotence-0001"],
    ["an empty string", ""],
  ])("refuses %s with 400 IDEMPOTENCY_KEY_INVALID", (_what, key) => {
    expect(codeOf(key)).toBe("400 IDEMPOTENCY_KEY_INVALID");
  });
});
