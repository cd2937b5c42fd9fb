/**
 * The management API contract: zod schemas and error codes, the single source of the types used by
 * the server, the provider and the SDK, and of the published OpenAPI document. Imports only zod.
 * Each resource kind is declared once, in manifests/.
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
export * from "./manifests";
export * from "./oauth";
export * from "./rest-api";
export * from "./signing-key";
export * from "./url-spelling";
export * from "./user";
