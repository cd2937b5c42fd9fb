import type {
  ApiAccessPolicy,
  ApiAccessPolicyInput,
  AuthScope,
  AuthScopeInput,
  Integration,
  IntegrationInput,
  RestApi,
  RestApiInput,
  User,
  UserInput,
} from "../contract";
import type { Database } from "../storage/database";
import type { Clock } from "./clock";
import { integrationBehaviour } from "./kinds/integrations";
import { restApiBehaviour } from "./kinds/rest-apis";
import { apiAccessPolicyBehaviour, authScopeBehaviour } from "./kinds/simple";
import { type UserPasswordWork, userBehaviour } from "./kinds/users";
import { API_ACCESS_POLICY, AUTH_SCOPE, INTEGRATION, REST_API, USER } from "./records/kinds";
import { RecordService } from "./records/service";

/** The application registry: one service per kind of record, over one database. */
export class Registry {
  readonly integrations: RecordService<IntegrationInput, Integration>;
  readonly authScopes: RecordService<AuthScopeInput, AuthScope>;
  readonly apiAccessPolicies: RecordService<ApiAccessPolicyInput, ApiAccessPolicy>;
  readonly restApis: RecordService<RestApiInput, RestApi>;
  readonly users: RecordService<UserInput, User, UserPasswordWork>;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {
    const now = () => clock.now().toISOString();
    this.integrations = new RecordService(db, INTEGRATION, integrationBehaviour(now), clock);
    this.authScopes = new RecordService(db, AUTH_SCOPE, authScopeBehaviour, clock);
    this.apiAccessPolicies = new RecordService(db, API_ACCESS_POLICY, apiAccessPolicyBehaviour, clock);
    this.restApis = new RecordService(db, REST_API, restApiBehaviour, clock);
    this.users = new RecordService(db, USER, userBehaviour(now), clock);
  }
}
