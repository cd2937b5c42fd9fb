import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { SECRET_FINGERPRINT } from "../contract";

/**
 * Client secrets and admin tokens are high-entropy random strings (a caller-supplied client secret
 * must be at least 32 characters), so a salted SHA-256 is the right hash: a slow KDF would add
 * nothing but latency to every token request.
 */

/** 256 random bits, URL-safe base64 (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A client ID: 128 random bits as 32 hex characters (the style of ServiceNow client IDs). */
export function generateClientId(): string {
  return randomBytes(16).toString("hex");
}

function sha256(...parts: (string | Buffer)[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `sha256$<salt>$<digest>`, both base64url. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return `sha256$${salt.toString("base64url")}$${sha256(salt, secret).toString("base64url")}`;
}

/** Compares in constant time; false for any malformed stored hash. */
export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, saltText, digestText] = stored.split("$");
  if (scheme !== "sha256" || !saltText || !digestText) return false;
  const expected = Buffer.from(digestText, "base64url");
  const actual = sha256(Buffer.from(saltText, "base64url"), secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const FINGERPRINT_PREFIX = SECRET_FINGERPRINT.prefix;

/**
 * A public fingerprint of a secret: 96 bits of a domain-separated, unsalted SHA-256, so anyone who
 * holds the secret (the Pulumi provider) can compute it and tell whether the server's secret is
 * still the one declared, and a rotation shows as drift. It is not the stored hash (that one is
 * salted), and secrets are at least 32 characters, too long to recover by guessing.
 */
export function fingerprint(secret: string): string {
  return (
    FINGERPRINT_PREFIX +
    sha256(SECRET_FINGERPRINT.domain, secret).subarray(0, SECRET_FINGERPRINT.bytes).toString("base64url")
  );
}

/** Constant-time equality of two strings of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = sha256(a);
  const right = sha256(b);
  return timingSafeEqual(left, right);
}
