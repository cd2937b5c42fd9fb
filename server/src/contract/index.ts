/**
 * The management API contract: zod schemas and error codes, the single source of the types used by
 * the server, the provider and the SDK, and of the published OpenAPI document. Imports only zod.
 */
export * from "./admin-token";
export * from "./api-access-policy";
export * from "./audit";
export * from "./auth-scope";
export * from "./canonical-json";
export * from "./common";
export * from "./errors";
export * from "./integration";
export * from "./issues";
export * from "./oauth";
export * from "./openapi";
export * from "./rest-api";
export * from "./signing-key";
export * from "./url-spelling";
export * from "./user";
