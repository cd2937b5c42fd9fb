import type { ApiAccessPolicy, AuthScope, RestApi } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { clientSecretHash } from "../../storage/records/client-secrets";
import { listAll } from "../../storage/records/read";
import { readRegistryGeneration } from "../../storage/registry-generation";
import { findUser, type LiveUser } from "../kinds/user-login";
import { API_ACCESS_POLICY, AUTH_SCOPE, REST_API } from "../records/kinds";
import { type Client, findClient, findClientById } from "./clients";

/** How many entries one lookup of one generation keeps before it starts over (bounds memory). */
const MOST_ENTRIES = 10_000;

/** Freezes a value read from the database and all it holds: views are shared by concurrent requests. */
function frozen<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

/** One lookup's answers by key; a failed read is forgotten, so the next request reads again. */
class Lookup<T> {
  private readonly answers = new Map<string, Promise<T>>();

  get(key: string, read: () => Promise<T>): Promise<T> {
    let answer = this.answers.get(key);
    if (!answer) {
      if (this.answers.size >= MOST_ENTRIES) this.answers.clear();
      answer = read().then(frozen);
      answer.catch(() => this.answers.delete(key));
      this.answers.set(key, answer);
    }
    return answer;
  }
}

/**
 * The registry as the OAuth runtime reads it on a request: integrations, their secret hashes,
 * users, auth scopes, REST APIs and access policies, each read from the database at most once per
 * registry generation and then shared (frozen) by every request of that generation.
 */
export class RegistryView {
  private readonly clients = new Lookup<Client | undefined>();
  private readonly clientsById = new Lookup<Client | undefined>();
  private readonly secrets = new Lookup<string | undefined>();
  private readonly users = new Lookup<LiveUser | undefined>();
  private readonly lists = new Lookup<readonly unknown[]>();

  constructor(private readonly db: SqlExecutor) {}

  client(clientId: string): Promise<Client | undefined> {
    return this.clients.get(clientId, () => findClient(this.db, clientId));
  }

  clientById(id: string): Promise<Client | undefined> {
    return this.clientsById.get(id, () => findClientById(this.db, id));
  }

  /** The stored hash of an integration's client secret. */
  secretHash(integrationId: string): Promise<string | undefined> {
    return this.secrets.get(integrationId, () => clientSecretHash(this.db, integrationId));
  }

  user(id: string): Promise<LiveUser | undefined> {
    return this.users.get(id, () => findUser(this.db, id));
  }

  scopes(): Promise<readonly AuthScope[]> {
    return this.lists.get("scopes", () => listAll<AuthScope>(this.db, AUTH_SCOPE)) as Promise<AuthScope[]>;
  }

  restApis(): Promise<readonly RestApi[]> {
    return this.lists.get("restApis", () => listAll<RestApi>(this.db, REST_API)) as Promise<RestApi[]>;
  }

  policies(): Promise<readonly ApiAccessPolicy[]> {
    return this.lists.get("policies", () => listAll<ApiAccessPolicy>(this.db, API_ACCESS_POLICY)) as Promise<
      ApiAccessPolicy[]
    >;
  }
}

/**
 * One process's cache of the registry, kept per registry generation (storage/registry-generation.ts):
 * a request reads the generation (one small query) and gets the view of that generation, so a
 * change committed by this server or another one on the same database is seen by the next request,
 * as if every request read the registry itself.
 *
 * A view is never newer in name than in content: it is made after the generation was read, so what
 * it reads is of that generation or later; a later generation then gets a new view. A generation
 * older than the current one (a slow read on another pooled connection) gets a view of its own that
 * is not kept.
 */
export class RegistryCache {
  private current: { generation: number; view: RegistryView } | undefined;

  constructor(private readonly db: SqlExecutor) {}

  async view(): Promise<RegistryView> {
    const generation = await readRegistryGeneration(this.db);
    if (this.current?.generation === generation) return this.current.view;
    const view = new RegistryView(this.db);
    if (!this.current || generation > this.current.generation) this.current = { generation, view };
    return view;
  }
}
