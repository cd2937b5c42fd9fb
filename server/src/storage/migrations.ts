/**
 * Schema migrations, shared verbatim by SQLite and PostgreSQL: TEXT, INTEGER and constraints only.
 * Timestamps are ISO 8601 UTC strings (they sort as text); booleans are 0/1; ids are UUIDv7 text.
 * Append new migrations; never edit one that has shipped.
 */
export interface Migration {
  id: number;
  name: string;
  statements: string[];
}

const recordTable = (table: string, extra = "") => `CREATE TABLE ${table} (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  document TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL${extra}
)`;

const joinTable = (table: string, owner: string, target: string, onTargetDelete: "RESTRICT" | "CASCADE") =>
  `CREATE TABLE ${table} (
  owner_id TEXT NOT NULL REFERENCES ${owner}(id) ON DELETE CASCADE,
  target_id TEXT NOT NULL REFERENCES ${target}(id) ON DELETE ${onTargetDelete},
  position INTEGER NOT NULL,
  PRIMARY KEY (owner_id, target_id)
)`;

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: "registry",
    statements: [
      recordTable("rest_apis", ",\n  built_in INTEGER NOT NULL"),
      recordTable("auth_scopes"),
      recordTable("integrations", ",\n  client_id TEXT NOT NULL UNIQUE"),
      recordTable("api_access_policies"),
      joinTable("auth_scope_rest_apis", "auth_scopes", "rest_apis", "RESTRICT"),
      joinTable("integration_auth_scopes", "integrations", "auth_scopes", "RESTRICT"),
      joinTable("policy_rest_apis", "api_access_policies", "rest_apis", "RESTRICT"),
      joinTable("policy_integrations", "api_access_policies", "integrations", "RESTRICT"),
      "CREATE INDEX auth_scope_rest_apis_target ON auth_scope_rest_apis(target_id)",
      "CREATE INDEX integration_auth_scopes_target ON integration_auth_scopes(target_id)",
      "CREATE INDEX policy_rest_apis_target ON policy_rest_apis(target_id)",
      "CREATE INDEX policy_integrations_target ON policy_integrations(target_id)",
      `CREATE TABLE client_secrets (
  integration_id TEXT PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  created_at TEXT NOT NULL
)`,
      `CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  record_kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  record_name TEXT NOT NULL,
  changes TEXT NOT NULL
)`,
      "CREATE INDEX audit_events_record ON audit_events(record_id)",
      `CREATE TABLE admin_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL
)`,
      `CREATE TABLE idempotency_keys (
  token_id TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  salt TEXT NOT NULL,
  sealed_response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (token_id, key_hash)
)`,
      "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at)",
    ],
  },
  {
    id: 2,
    name: "oauth runtime",
    statements: [
      recordTable("users"),
      `CREATE TABLE user_passwords (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`,
      `CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT,
  remove_after TEXT
)`,
      "CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(status) WHERE status = 'active'",
      `CREATE TABLE login_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
)`,
      "CREATE INDEX login_sessions_expires ON login_sessions(expires_at)",
      `CREATE TABLE authorization_codes (
  code_hash TEXT PRIMARY KEY,
  integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  redirect_uri TEXT NOT NULL,
  redirect_uri_explicit INTEGER NOT NULL,
  scope TEXT NOT NULL,
  code_challenge TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  consumed_at TEXT
)`,
      "CREATE INDEX authorization_codes_expires ON authorization_codes(expires_at)",
      `CREATE TABLE oauth_tokens (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  token_hash TEXT UNIQUE,
  integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  family_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  rotated_at TEXT,
  revoked_at TEXT
)`,
      "CREATE INDEX oauth_tokens_family ON oauth_tokens(family_id)",
      "CREATE INDEX oauth_tokens_expires ON oauth_tokens(expires_at)",
    ],
  },
  {
    id: 3,
    name: "rate limits",
    statements: [
      // One counter per limited key (e.g. "login-user:bob"): its window and the attempts in it.
      `CREATE TABLE rate_limits (
  bucket TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  hits INTEGER NOT NULL
)`,
      "CREATE INDEX rate_limits_window_end ON rate_limits(window_end)",
    ],
  },
  {
    id: 4,
    name: "registry generation",
    statements: [
      // One row: a number that every committed change of the registry (records, their references,
      // client secrets, passwords) increases, in the same transaction (storage/registry-generation.ts).
      "CREATE TABLE registry_generation (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
      "INSERT INTO registry_generation (id, value) VALUES (1, 0)",
    ],
  },
  {
    id: 5,
    name: "foreign key indexes of oauth state",
    statements: [
      // Deleting an integration or a user cascades to its codes and tokens (and a user's sessions,
      // which a deactivation or password change also deletes by user): without an index on the
      // referencing column each such delete reads the whole table. With 1,000,000 tokens it held
      // SQLite's one writer (and every request behind it) for hundreds of milliseconds
      // (bench/server-at-scale.ts).
      "CREATE INDEX oauth_tokens_integration ON oauth_tokens(integration_id)",
      "CREATE INDEX oauth_tokens_user ON oauth_tokens(user_id)",
      "CREATE INDEX authorization_codes_integration ON authorization_codes(integration_id)",
      "CREATE INDEX authorization_codes_user ON authorization_codes(user_id)",
      "CREATE INDEX login_sessions_user ON login_sessions(user_id)",
    ],
  },
  {
    id: 6,
    name: "audit reasons",
    statements: [
      // Why a lifecycle event happened (a rotation, a revocation, a deactivation), as its actor
      // said or as the server records it (an expiry); null when no reason was given.
      "ALTER TABLE audit_events ADD COLUMN reason TEXT",
    ],
  },
];

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** Applies the migrations not yet recorded, each in the caller's transaction. */
export async function applyPending(tx: {
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  execute: (sql: string, params?: unknown[]) => Promise<unknown>;
}): Promise<number[]> {
  const done = new Set((await tx.query("SELECT id FROM schema_migrations")).map((row) => Number(row.id)));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    for (const statement of migration.statements) await tx.execute(statement);
    await tx.execute("INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)", [
      migration.id,
      migration.name,
      new Date().toISOString(),
    ]);
    applied.push(migration.id);
  }
  return applied;
}
