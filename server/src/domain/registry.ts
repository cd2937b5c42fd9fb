import { type InputOf, type ManifestKind, RESOURCE_MANIFESTS, type RecordOf } from "../contract";
import type { Database } from "../storage/database";
import type { Clock } from "./clock";
import { integrationBehaviour } from "./kinds/integrations";
import { restApiBehaviour } from "./kinds/rest-apis";
import { apiAccessPolicyBehaviour, authScopeBehaviour } from "./kinds/simple";
import { userBehaviour } from "./kinds/users";
import type { KindBehaviour, RecordMeta } from "./records/behaviour";
import { Lookup, PerGeneration } from "./records/generation-cache";
import { KIND_SPECS } from "./records/kinds";
import { RecordService } from "./records/service";

/** What each kind's records do beyond the generic service (secrets, passwords, built-ins). */
const BEHAVIOURS = {
  integration: integrationBehaviour,
  authScope: () => authScopeBehaviour,
  apiAccessPolicy: () => apiAccessPolicyBehaviour,
  restApi: () => restApiBehaviour,
  user: userBehaviour,
} satisfies {
  // biome-ignore lint/suspicious/noExplicitAny: each kind's precompute result is its own.
  [K in ManifestKind]: (now: () => string) => KindBehaviour<InputOf<K>, RecordOf<K>, any>;
};

type ServiceOf<B> = B extends (now: () => string) => KindBehaviour<infer I, infer R, infer P>
  ? RecordService<I, R, P>
  : never;

/** One typed record service per kind, by the kind's name. */
export type RecordServices = { [K in ManifestKind]: ServiceOf<(typeof BEHAVIOURS)[K]> };

/** The application registry: one service per kind of record (one per manifest), over one database. */
export class Registry {
  readonly services: RecordServices;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {
    const now = () => clock.now().toISOString();
    // GET-one reads, kept while the registry generation stays (every kind's service shares them).
    const reads = new PerGeneration(db, () => new Lookup<RecordMeta | undefined>());
    const service = (kind: ManifestKind) =>
      new RecordService(
        db,
        KIND_SPECS[kind],
        BEHAVIOURS[kind](now) as KindBehaviour<never, never, unknown>,
        clock,
        reads,
      );
    this.services = Object.fromEntries(
      RESOURCE_MANIFESTS.map(({ kind }) => [kind, service(kind)]),
    ) as unknown as RecordServices;
  }

  get integrations(): RecordServices["integration"] {
    return this.services.integration;
  }
  get authScopes(): RecordServices["authScope"] {
    return this.services.authScope;
  }
  get apiAccessPolicies(): RecordServices["apiAccessPolicy"] {
    return this.services.apiAccessPolicy;
  }
  get restApis(): RecordServices["restApi"] {
    return this.services.restApi;
  }
  get users(): RecordServices["user"] {
    return this.services.user;
  }
}
