// What every end-to-end test starts from: the built server as a process (ephemeral port, fresh
// SQLite file, --dev), a management-API client with its admin token, and Pulumi stacks of
// example programs configured to reach it. Everything lives under test-output/e2e/<name>/.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { fetch } from "undici";
import { REPO_ROOT } from "../../scripts/pulumi/cli";
import { PulumiStack } from "../../scripts/pulumi/stack";
import { type AuthServer, startAuthServer } from "../../server/test/helpers/built-server";

/** The collections the provider manages. */
export const COLLECTIONS = ["integrations", "auth-scopes", "api-access-policies"] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface ApiAnswer {
  status: number;
  etag: string | null;
  body: Record<string, unknown> & { items?: Array<Record<string, unknown>>; nextCursor?: string | null };
}

export class World {
  private constructor(
    readonly name: string,
    readonly dir: string,
    public server: AuthServer,
  ) {}

  /** A fresh folder test-output/e2e/<name> and a server on a fresh SQLite file in it. */
  static async start(name: string): Promise<World> {
    const dir = join(REPO_ROOT, "test-output", "e2e", name);
    rmSync(dir, { recursive: true, force: true });
    // The server refuses a data folder that group or others may access.
    mkdirSync(join(dir, "server"), { recursive: true, mode: 0o700 });
    return new World(name, dir, await startAuthServer(join(dir, "server")));
  }

  /** Restarts the server on the same port and SQLite file (after kill() or stop()). */
  async restart(): Promise<void> {
    this.server = await startAuthServer(join(this.dir, "server"), { port: this.server.port });
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** The stack config that points the provider at this server. */
  providerConfig(): ConfigMap {
    return { "inbound-oauth:endpoint": { value: this.server.base } };
  }

  /** The environment that gives the provider the admin token (it reads it nowhere else). */
  providerEnv(): Record<string, string> {
    return { INBOUND_OAUTH_ADMIN_TOKEN: this.server.adminToken };
  }

  /**
   * A new stack of `program` (e.g. "examples/basic/index.ts") in test-output/e2e/<world>/<folder>,
   * configured for this server plus `config`, every command run with the admin token (or `env`'s).
   */
  async stack(
    folder: string,
    program: string,
    options: { projectName: string; stackName?: string; config?: ConfigMap; env?: Record<string, string> },
  ): Promise<PulumiStack> {
    const stack = new PulumiStack({
      dir: join(this.dir, folder),
      program,
      projectName: options.projectName,
      ...(options.stackName ? { stackName: options.stackName } : {}),
      env: { ...this.providerEnv(), ...options.env },
    });
    await stack.configure({ ...this.providerConfig(), ...options.config });
    return stack;
  }

  /** One management API call with the admin token (or `token`). */
  async api(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
  ): Promise<ApiAnswer> {
    const response = await fetch(`${this.server.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token ?? this.server.adminToken}`,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get("etag"),
      body: text ? (JSON.parse(text) as ApiAnswer["body"]) : {},
    };
  }

  /** Every record of a collection (all pages). */
  async list(collection: Collection): Promise<Array<Record<string, unknown>>> {
    return this.pages(`/api/v1/${collection}`);
  }

  /** Every audit event, oldest first. */
  async audit(): Promise<Array<Record<string, unknown>>> {
    return this.pages("/api/v1/audit");
  }

  /**
   * Reads a record, changes some fields and writes it back with If-Match (an out-of-band edit), with
   * the admin token or `token`.
   */
  async edit(
    collection: Collection,
    id: string,
    change: Record<string, unknown>,
    token?: string,
  ): Promise<ApiAnswer> {
    const auth = token === undefined ? {} : { token };
    const read = await this.api("GET", `/api/v1/${collection}/${id}`, auth);
    if (read.status !== 200) throw new Error(`GET ${collection}/${id} answered ${read.status}`);
    const {
      id: _id,
      version: _v,
      createdAt: _c,
      updatedAt: _u,
      clientSecretFingerprint: _f,
      ...body
    } = read.body;
    return this.api("PUT", `/api/v1/${collection}/${id}`, {
      ...auth,
      body: { ...body, ...change },
      headers: { "if-match": read.etag ?? "*" },
    });
  }

  private async pages(path: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | null | undefined;
    do {
      const query = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
      const answer = await this.api("GET", `${path}${query}`);
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
      items.push(...(answer.body.items ?? []));
      cursor = answer.body.nextCursor;
    } while (cursor);
    return items;
  }
}
