// Seeded grants: for each, the authorization code it began with (consumed) and the tokens the
// server issued from it, as its token endpoint writes them (server/src/domain/oauth/tokens.ts): an
// access and a refresh token per issuance, the refresh token stored as the SHA-256 of a random
// credential, each earlier refresh token rotated at the next issuance, a revoked grant's tokens all
// revoked. What a server that prunes every 15 minutes (its default) still holds: tokens expired
// less than ~16 minutes ago, so an old grant keeps its refresh tokens and loses its access tokens.
import { credentialHash } from "../../server/src/domain/oauth/opaque";
import { REDIRECT_URL, type Templates } from "./fixtures";
import type { SeedDatabase } from "./seed-database";
import { randomCredential as credential, iso, TABLES, uuidv7At } from "./tables";

const MINUTE_MS = 60_000;
/** Expired rows a pruning server may still hold: the 15-minute interval and the 1-minute grace. */
const PRUNE_BACKLOG_MS = 16 * MINUTE_MS;
const FLUSH_AT = 10_000;

export interface Grant {
  integrationId: string;
  userId: string;
  scope: string;
  /** When tokens were issued (the code exchange, then each refresh), oldest first. */
  issuedAt: number[];
  revokedAt?: number;
}

export interface Credentials {
  refreshToken: string;
  accessToken?: string;
}

export interface TokenCounts {
  grants: number;
  tokens: number;
  usableRefresh: number;
  rotatedRefresh: number;
  liveAccess: number;
  revoked: number;
  expired: number;
}

/**
 * A grant of an active client (30 %: it refreshes every ~30 minutes and did so in the last 46) or
 * of an idle one (its last refresh any time in the refresh lifespan), with 1 to 7 issuances, 2 %
 * of them revoked later; issuances a pruning server would have dropped are left out.
 */
export function randomGrant(
  nowMs: number,
  lifespans: { accessLifespanMs: number; refreshLifespanMs: number },
  who: { integrationId: string; userId: string; scope: string },
): Grant {
  const active = Math.random() < 0.3;
  const last = active
    ? nowMs - Math.random() * (lifespans.accessLifespanMs + PRUNE_BACKLOG_MS)
    : nowMs - Math.random() * (lifespans.refreshLifespanMs + PRUNE_BACKLOG_MS);
  const oldestKept = nowMs - PRUNE_BACKLOG_MS - lifespans.refreshLifespanMs;
  const issuedAt = [last];
  const earlier = Math.floor(Math.random() * 7);
  for (let i = 0; i < earlier; i++) {
    const gap = active
      ? 30 * MINUTE_MS + Math.random() * 5 * MINUTE_MS
      : 30 * MINUTE_MS + Math.random() * 3 * 1440 * MINUTE_MS;
    const at = issuedAt[0]! - gap;
    if (at < oldestKept) break;
    issuedAt.unshift(at);
  }
  const grant: Grant = { ...who, issuedAt: issuedAt.map(Math.floor) };
  if (Math.random() < 0.02) grant.revokedAt = Math.floor(last + Math.random() * (nowMs - last));
  return grant;
}

/** Buffers the rows of grants and writes them in batches (inside the caller's transaction). */
export class GrantSeeder {
  readonly counts: TokenCounts = {
    grants: 0,
    tokens: 0,
    usableRefresh: 0,
    rotatedRefresh: 0,
    liveAccess: 0,
    revoked: 0,
    expired: 0,
  };
  private codes: unknown[][] = [];
  private tokens: unknown[][] = [];

  constructor(
    private readonly db: SeedDatabase,
    private readonly templates: Templates,
    private readonly nowMs: number,
  ) {}

  private count(kind: "access" | "refresh", expiresAt: number, rotated: boolean, revoked: boolean) {
    const c = this.counts;
    c.tokens++;
    if (expiresAt <= this.nowMs) c.expired++;
    else if (revoked) c.revoked++;
    else if (kind === "access") c.liveAccess++;
    else if (rotated) c.rotatedRefresh++;
    else c.usableRefresh++;
  }

  /** Adds a grant's rows; returns the credentials of its latest tokens (they are not stored). */
  async add(grant: Grant): Promise<Credentials> {
    const { accessLifespanMs, refreshLifespanMs } = this.templates.integration;
    const first = grant.issuedAt[0]!;
    const familyId = credentialHash(credential());
    const revokedAt = grant.revokedAt === undefined ? null : iso(grant.revokedAt);
    this.codes.push([
      familyId,
      grant.integrationId,
      grant.userId,
      REDIRECT_URL,
      1,
      grant.scope,
      credential().slice(0, 43),
      iso(first - 5_000),
      iso(first + 55_000),
      iso(first),
    ]);
    const row = (
      kind: "access" | "refresh",
      at: number,
      expires: number,
      hash: string,
      rotatedAt: number | undefined,
    ) => {
      this.tokens.push([
        uuidv7At(at),
        kind,
        hash,
        grant.integrationId,
        grant.userId,
        grant.scope,
        familyId,
        iso(at),
        iso(expires),
        rotatedAt === undefined ? null : iso(rotatedAt),
        revokedAt,
      ]);
      this.count(kind, expires, rotatedAt !== undefined, revokedAt !== null);
    };
    const credentials: Credentials = { refreshToken: "" };
    grant.issuedAt.forEach((at, i) => {
      const next = grant.issuedAt[i + 1];
      const accessExpires = at + accessLifespanMs;
      if (next === undefined && accessExpires + PRUNE_BACKLOG_MS > this.nowMs) {
        credentials.accessToken = credential();
        row("access", at, accessExpires, credentialHash(credentials.accessToken), undefined);
      }
      const refresh = credential();
      row("refresh", at, at + refreshLifespanMs, credentialHash(refresh), next);
      credentials.refreshToken = refresh;
    });
    this.counts.grants++;
    if (this.tokens.length >= FLUSH_AT) await this.flush({ wait: false });
    return credentials;
  }

  private writing: Promise<unknown> = Promise.resolve();

  /**
   * Sends the buffered rows; the next batch is made while the database stores this one (PostgreSQL
   * works in its own process), and the one before it is awaited first, so at most one is pending.
   */
  async flush(options: { wait?: boolean } = { wait: true }): Promise<void> {
    await this.writing;
    const [codes, tokens] = [this.codes, this.tokens];
    this.codes = [];
    this.tokens = [];
    this.writing = Promise.all([
      this.db.insert(TABLES.authorizationCodes, codes),
      this.db.insert(TABLES.oauthTokens, tokens),
    ]);
    if (options.wait) await this.writing;
  }
}
