// The tables the seeding writes, with their columns as server/src/storage/migrations.ts makes them,
// and the ids and credentials the server puts in them.
import { randomBytes } from "node:crypto";
import type { TableSpec } from "./seed-database";

const text = (...names: string[]) => names.map((name) => [name, "text"] as [string, "text"]);

export const TABLES = {
  integrations: {
    name: "integrations",
    columns: [
      ...text("id", "name", "document"),
      ["version", "int"],
      ...text("created_at", "updated_at", "client_id"),
    ],
  },
  users: {
    name: "users",
    columns: [...text("id", "name", "document"), ["version", "int"], ...text("created_at", "updated_at")],
  },
  userPasswords: { name: "user_passwords", columns: text("user_id", "hash", "updated_at") },
  clientSecrets: {
    name: "client_secrets",
    columns: text("integration_id", "hash", "fingerprint", "created_at"),
  },
  integrationAuthScopes: {
    name: "integration_auth_scopes",
    columns: [...text("owner_id", "target_id"), ["position", "int"]],
  },
  auditEvents: {
    name: "audit_events",
    columns: text("id", "at", "actor", "action", "record_kind", "record_id", "record_name", "changes"),
  },
  authorizationCodes: {
    name: "authorization_codes",
    columns: [
      ...text("code_hash", "integration_id", "user_id", "redirect_uri"),
      ["redirect_uri_explicit", "int"],
      ...text("scope", "code_challenge", "created_at", "expires_at", "consumed_at"),
    ],
  },
  oauthTokens: {
    name: "oauth_tokens",
    columns: text(
      "id",
      "kind",
      "token_hash",
      "integration_id",
      "user_id",
      "scope",
      "family_id",
      "created_at",
      "expires_at",
      "rotated_at",
      "revoked_at",
    ),
  },
} satisfies Record<string, TableSpec>;

/** Random bytes drawn from a large buffer refilled now and then: one getrandom per 64 KiB, not per id. */
let pool = Buffer.alloc(0);
let used = 0;
export function randomSlice(size: number): Buffer {
  if (used + size > pool.length) {
    pool = randomBytes(65_536);
    used = 0;
  }
  used += size;
  return pool.subarray(used - size, used);
}

/** A random opaque credential as the server makes them (domain/oauth/opaque.ts): 256 bits, base64url. */
export const randomCredential = () => randomSlice(32).toString("base64url");

/**
 * A UUIDv7 (RFC 9562) of the given millisecond, as server/src/domain/ids.ts makes them, but for
 * any instant (the server's is monotonic: it never goes back in time, which seeding must).
 */
export function uuidv7At(ms: number): string {
  const bytes = randomSlice(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** `Date.prototype.toISOString` (what the server stores), without a Date per call: ~1M calls per seeding. */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = days.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    days.set(day, date);
  }
  const t = ms - day * DAY_MS;
  return `${date}${pad(Math.floor(t / 3_600_000), 2)}:${pad(Math.floor(t / 60_000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}Z`;
}

/** A random integer from 0 to below n. */
export const below = (n: number) => Math.floor(Math.random() * n);
