import { createHash, randomBytes } from "node:crypto";

/** A random opaque credential (code, opaque token, session id): 256 bits, base64url. */
export function randomCredential(): string {
  return randomBytes(32).toString("base64url");
}

/** Opaque credentials are stored as their SHA-256 only (they carry 256 bits of entropy). */
export function credentialHash(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
