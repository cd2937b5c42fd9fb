import { type KeyObject, sign } from "node:crypto";

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * A JWS in compact serialization signed with ES256 (RFC 7515, RFC 7518 §3.4: ECDSA P-256 with
 * SHA-256, the signature as the 64-byte R || S), by node:crypto in the calling thread. jose's
 * SignJWT goes through WebCrypto, whose every signature is a job on libuv's thread pool; this is
 * the same signature at about half the CPU (bench/README.md, "Where the time goes"). Verification
 * stays with jose's jwtVerify and its claim checks.
 */
export function signEs256(
  header: { kid: string; typ: string },
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${part({ alg: "ES256", ...header })}.${part(payload)}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}
