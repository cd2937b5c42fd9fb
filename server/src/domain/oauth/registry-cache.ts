import type { ApiAccessPolicy, AuthScope, RestApi } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { clientSecretHash } from "../../storage/records/client-secrets";
import { listAll } from "../../storage/records/read";
import { findUser, type LiveUser } from "../kinds/user-login";
import { Lookup, PerGeneration } from "../records/generation-cache";
import { API_ACCESS_POLICY, AUTH_SCOPE, REST_API } from "../records/kinds";
import { type Client, findClient, findClientById } from "./clients";

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
 * One process's cache of the registry for the OAuth runtime: a request takes the view of the
 * registry generation it reads (../records/generation-cache.ts), so a change committed by this
 * server or another one on the same database is seen by the next request.
 */
export class RegistryCache {
  private readonly views: PerGeneration<RegistryView>;

  constructor(db: SqlExecutor) {
    this.views = new PerGeneration(db, () => new RegistryView(db));
  }

  view(): Promise<RegistryView> {
    return this.views.current();
  }

  /** The view of a generation the request has just read (storage/generation-and-attempts.ts). */
  viewAt(generation: number): RegistryView {
    return this.views.at(generation);
  }
}
