import { pageOf, type ResourceManifest } from "../contract";
import * as part from "./parts";

/** What every create or replace can answer, whatever the kind. */
const WRITE_ERRORS = ["VALIDATION_FAILED", "FORBIDDEN", "NAME_TAKEN", "UNKNOWN_REFERENCE"] as const;

/** The collection and item paths of one resource kind (list, create, read, replace, delete). */
export function resourcePaths(manifest: ResourceManifest): part.Json {
  const { tag, schemas } = manifest;
  const body = { required: true, content: part.json(schemas.input, "input") };
  const createBody = { required: true, content: part.json(schemas.createInput ?? schemas.input, "input") };
  return {
    [`/api/v1${manifest.path}`]: {
      get: {
        tags: [tag],
        summary: `List ${tag}`,
        parameters: part.queryParameters(schemas.listQuery),
        responses: {
          "200": { description: "One page", content: part.json(pageOf(schemas.record)) },
          ...part.problems(["VALIDATION_FAILED"]),
        },
      },
      post: {
        tags: [tag],
        summary: `Create`,
        parameters: [part.idempotencyKey],
        requestBody: createBody,
        responses: {
          "201": {
            description: "Created",
            headers: { ...part.etag, Location: { schema: { type: "string" } } },
            content: part.json(schemas.created ?? schemas.record),
          },
          ...part.problems([
            ...WRITE_ERRORS,
            ...manifest.writeErrors,
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
          ]),
        },
      },
    },
    [`/api/v1${manifest.path}/{id}`]: {
      parameters: [part.idParameter],
      get: {
        tags: [tag],
        summary: "Read one",
        responses: {
          "200": { description: "The record", headers: part.etag, content: part.json(schemas.record) },
          ...part.problems(["NOT_FOUND"]),
        },
      },
      put: {
        tags: [tag],
        summary: "Replace (full update)",
        parameters: [part.ifMatch(true)],
        requestBody: body,
        responses: {
          "200": { description: "Replaced", headers: part.etag, content: part.json(schemas.record) },
          ...part.problems([
            ...WRITE_ERRORS,
            ...manifest.writeErrors,
            "NOT_FOUND",
            "PRECONDITION_FAILED",
            "PRECONDITION_REQUIRED",
          ]),
        },
      },
      delete: {
        tags: [tag],
        summary: "Delete",
        parameters: [part.ifMatch(false)],
        responses: {
          "204": { description: "Deleted" },
          ...part.problems([
            "FORBIDDEN",
            "NOT_FOUND",
            "PRECONDITION_FAILED",
            "STILL_REFERENCED",
            ...manifest.deleteErrors,
          ]),
        },
      },
    },
  };
}
