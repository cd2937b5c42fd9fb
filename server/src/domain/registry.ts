import type {
  ApiAccessPolicyInput,
  AuthScopeInput,
  IntegrationInput,
  RestApiInput,
  UserInput,
} from "../contract";
import type { Database } from "../storage/database";
import type { Clock } from "./clock";
import { integrationBehaviour } from "./kinds/integrations";
import { restApiBehaviour } from "./kinds/rest-apis";
import { plainBehaviour } from "./kinds/simple";
import { userBehaviour } from "./kinds/users";
import { API_ACCESS_POLICY, AUTH_SCOPE, INTEGRATION, REST_API, USER } from "./records/kinds";
import { RecordService } from "./records/service";

/** The application registry: one service per kind of record, over one database. */
export class Registry {
  readonly integrations: RecordService<IntegrationInput>;
  readonly authScopes: RecordService<AuthScopeInput>;
  readonly apiAccessPolicies: RecordService<ApiAccessPolicyInput>;
  readonly restApis: RecordService<RestApiInput>;
  readonly users: RecordService<UserInput>;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {
    const now = () => clock.now().toISOString();
    this.integrations = new RecordService(db, INTEGRATION, integrationBehaviour(now), clock);
    this.authScopes = new RecordService(db, AUTH_SCOPE, plainBehaviour, clock);
    this.apiAccessPolicies = new RecordService(db, API_ACCESS_POLICY, plainBehaviour, clock);
    this.restApis = new RecordService(db, REST_API, restApiBehaviour, clock);
    this.users = new RecordService(db, USER, userBehaviour(now), clock);
  }
}
