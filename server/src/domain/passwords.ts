import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { ConcurrencyGate } from "./concurrency-gate";

/**
 * Resource owners' passwords, hashed with scrypt (memory-hard): `scrypt$N$r$p$<salt>$<hash>`, salt
 * and hash in base64url. The parameters travel with each hash, so raising them later leaves older
 * hashes verifiable.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * The hash of a random password nobody knows, with the current parameters. Verifying against it
 * when a user name is unknown makes that answer cost as much as a wrong password for a real user.
 */
export const DUMMY_PASSWORD_HASH =
  "scrypt$32768$8$1$Gw-eSJgRd_5wuvSBI_OrnA$O4wAskSzTcOTK8t4NHCfzNZkbc88CR9NPRQBeNLhuyk";

/** Bounds on parameters read back from storage, so a corrupt row cannot ask for gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** scrypt needs about 128·N·r bytes; allow twice that so OpenSSL's own accounting always fits. */
function maxmemFor(N: number, r: number, p: number): number {
  return 2 * 128 * r * (N + p + 2);
}

/**
 * scrypt runs at most one per core at once. Each holds 128·N·r bytes (32 MiB with SCRYPT_PARAMS)
 * and keeps a core busy: more at once than there are cores finishes none sooner, but holds more
 * memory (a burst of sign-ins on 2 cores held four in libuv's pool of 4 threads, 128 MiB) and
 * takes the pool's threads from the file-system and DNS work other requests wait on.
 */
export const PASSWORD_HASHING = new ConcurrencyGate(Math.max(1, availableParallelism()));

function derive(password: string, salt: Buffer, keyLength: number, N: number, r: number, p: number) {
  const options: ScryptOptions = { N, r, p, maxmem: maxmemFor(N, r, p) };
  return PASSWORD_HASHING.run(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize("NFC"), salt, keyLength, options, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, KEY_LENGTH, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function decode(text: string | undefined): Buffer | undefined {
  if (text === undefined || !B64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

function parameter(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,7}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const N = parameter(parts[1], MAX_N);
  const r = parameter(parts[2], MAX_R);
  const p = parameter(parts[3], MAX_P);
  const salt = decode(parts[4]);
  const hash = decode(parts[5]);
  if (N === undefined || r === undefined || p === undefined || !salt || !hash) return undefined;
  // N must be a power of two greater than 1.
  if (N < 2 || (N & (N - 1)) !== 0) return undefined;
  // Exactly the lengths this module writes: a shorter hash would be checked against a prefix of
  // scrypt's output, and a truncated record could still match.
  if (salt.length !== SALT_LENGTH || hash.length !== KEY_LENGTH) return undefined;
  return { N, r, p, salt, hash };
}

/** How a login checks a password against a stored hash: verifyPassword (tests wrap it). */
export type PasswordCheck = (password: string, stored: string) => Promise<boolean>;

/**
 * True when `password` matches the stored hash, compared in constant time. False (never an error)
 * for a malformed stored value; such a value still costs one scrypt run with the current parameters.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    await verifyPassword(password, DUMMY_PASSWORD_HASH);
    return false;
  }
  let candidate: Buffer;
  try {
    candidate = await derive(password, parsed.salt, parsed.hash.length, parsed.N, parsed.r, parsed.p);
  } catch {
    return false;
  }
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}
