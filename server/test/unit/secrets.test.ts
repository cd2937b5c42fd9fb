import { createHash } from "node:crypto";
import {
  FINGERPRINT_PREFIX,
  fingerprint,
  generateClientId,
  generateSecret,
  hashSecret,
  safeEqual,
  verifySecret,
} from "../../src/domain/secrets";

describe("generateSecret", () => {
  it("returns 43 URL-safe base64 characters, i.e. 256 random bits", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
  });

  it("returns a different secret on every call", () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateSecret()));
    expect(secrets.size).toBe(1000);
  });

  it("is long enough to pass the contract's 32-character minimum for client secrets", () => {
    expect(generateSecret().length).toBeGreaterThanOrEqual(32);
  });
});

describe("generateClientId", () => {
  it("returns 32 lowercase hex characters, distinct on each call", () => {
    const ids = Array.from({ length: 100 }, () => generateClientId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(100);
  });
});

describe("hashSecret / verifySecret", () => {
  const secret = "correct-horse-battery-staple-0123456789";

  it("verifies the secret a hash was made from", () => {
    expect(verifySecret(secret, hashSecret(secret))).toBe(true);
  });

  it("stores sha256$<salt>$<digest> with a 128-bit salt and a 256-bit digest", () => {
    const [scheme, salt, digest, ...rest] = hashSecret(secret).split("$");
    expect(scheme).toBe("sha256");
    expect(Buffer.from(salt!, "base64url")).toHaveLength(16);
    expect(Buffer.from(digest!, "base64url")).toHaveLength(32);
    expect(rest).toEqual([]);
  });

  it("refuses a wrong secret, including one that differs only in its last character or case", () => {
    const stored = hashSecret(secret);
    expect(verifySecret(`${secret.slice(0, -1)}8`, stored)).toBe(false);
    expect(verifySecret(secret.toUpperCase(), stored)).toBe(false);
    expect(verifySecret("", stored)).toBe(false);
    expect(verifySecret(`${secret} `, stored)).toBe(false);
  });

  it("salts: two hashes of one secret differ, and both verify", () => {
    const first = hashSecret(secret);
    const second = hashSecret(secret);
    expect(first).not.toBe(second);
    expect(first.split("$")[1]).not.toBe(second.split("$")[1]);
    expect(verifySecret(secret, first)).toBe(true);
    expect(verifySecret(secret, second)).toBe(true);
  });

  it("does not contain the secret", () => {
    expect(hashSecret(secret)).not.toContain(secret);
  });

  it.each([
    ["an empty string", ""],
    ["no separators", "garbage"],
    ["another scheme", "md5$c2FsdA$ZGlnZXN0"],
    ["a missing digest", "sha256$c2FsdA$"],
    ["a missing salt", "sha256$$ZGlnZXN0"],
    ["a truncated digest", "sha256$c2FsdA$ZGln"],
    ["only the scheme", "sha256"],
  ])("returns false (and does not throw) for a malformed stored hash: %s", (_what, stored) => {
    expect(() => verifySecret(secret, stored)).not.toThrow();
    expect(verifySecret(secret, stored)).toBe(false);
  });

  it("returns false for a stored hash whose digest was cut short by one byte", () => {
    const [scheme, salt, digest] = hashSecret(secret).split("$");
    const short = Buffer.from(digest!, "base64url").subarray(0, 31).toString("base64url");
    expect(verifySecret(secret, `${scheme}$${salt}$${short}`)).toBe(false);
  });
});

describe("fingerprint", () => {
  const secret = "s3cr3t-value-that-is-at-least-32-chars";

  it("is deterministic for one secret", () => {
    expect(fingerprint(secret)).toBe(fingerprint(secret));
  });

  it("is sha256: followed by 96 bits in URL-safe base64", () => {
    const value = fingerprint(secret);
    expect(value.startsWith(FINGERPRINT_PREFIX)).toBe(true);
    expect(value).toMatch(/^sha256:[A-Za-z0-9_-]{16}$/);
    expect(Buffer.from(value.slice(FINGERPRINT_PREFIX.length), "base64url")).toHaveLength(12);
  });

  it("differs per secret, even for secrets one character apart", () => {
    const fingerprints = new Set(Array.from({ length: 500 }, () => fingerprint(generateSecret())));
    expect(fingerprints.size).toBe(500);
    expect(fingerprint(`${secret}a`)).not.toBe(fingerprint(`${secret}b`));
  });

  it("contains neither the secret nor the digest of its stored hash", () => {
    const value = fingerprint(secret);
    const stored = hashSecret(secret);
    const digest = stored.split("$")[2]!;
    expect(value).not.toContain(secret);
    expect(value.slice(FINGERPRINT_PREFIX.length)).not.toBe(digest.slice(0, 16));
    expect(digest).not.toContain(value.slice(FINGERPRINT_PREFIX.length));
    expect(stored).not.toContain(value.slice(FINGERPRINT_PREFIX.length));
  });

  it("is not a plain truncated SHA-256 of the secret (it is domain-separated)", () => {
    const plain = createHash("sha256").update(secret).digest().subarray(0, 12).toString("base64url");
    expect(fingerprint(secret)).not.toBe(`${FINGERPRINT_PREFIX}${plain}`);
  });
});

describe("safeEqual", () => {
  it("is true for equal strings", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("", "")).toBe(true);
  });

  it("is false for different strings of the same length", () => {
    expect(safeEqual("abc", "abd")).toBe(false);
  });

  it("is false (and does not throw) for strings of different lengths, including a prefix", () => {
    expect(() => safeEqual("abc", "abcd")).not.toThrow();
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "a")).toBe(false);
  });
});
