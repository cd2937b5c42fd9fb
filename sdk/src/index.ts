export { ApiAccessPolicy, type ApiAccessPolicyArgs } from "./api-access-policy";
export { AuthScope, type AuthScopeArgs } from "./auth-scope";
export { AuthorizationCodeGrant, type AuthorizationCodeGrantArgs } from "./authorization-code-grant";
