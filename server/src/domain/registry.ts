import { type InputOf, type ManifestKind, RESOURCE_MANIFESTS } from "../contract";
import type { Database } from "../storage/database";
import type { Clock } from "./clock";
import { integrationBehaviour } from "./kinds/integrations";
import { restApiBehaviour } from "./kinds/rest-apis";
import { plainBehaviour } from "./kinds/simple";
import { userBehaviour } from "./kinds/users";
import { KIND_SPECS } from "./records/kinds";
import { type KindBehaviour, RecordService } from "./records/service";

/** What each kind's records do beyond the generic service (secrets, passwords, built-ins). */
const BEHAVIOURS: { [K in ManifestKind]: (now: () => string) => KindBehaviour<InputOf<K>> } = {
  integration: integrationBehaviour,
  authScope: () => plainBehaviour,
  apiAccessPolicy: () => plainBehaviour,
  restApi: () => restApiBehaviour,
  user: userBehaviour,
};

/** One record service per kind, by the kind's name. */
export type RecordServices = { [K in ManifestKind]: RecordService<InputOf<K>> };

/** The application registry: one service per kind of record (one per manifest), over one database. */
export class Registry {
  readonly services: RecordServices;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {
    const now = () => clock.now().toISOString();
    const service = <K extends ManifestKind>(kind: K) =>
      new RecordService<InputOf<K>>(db, KIND_SPECS[kind], BEHAVIOURS[kind](now), clock);
    this.services = Object.fromEntries(
      RESOURCE_MANIFESTS.map(({ kind }) => [kind, service(kind)]),
    ) as RecordServices;
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
