import { pageOf, type ResourceManifest } from "../contract";
import {
  etag,
  idempotencyKey,
  idParameter,
  ifMatch,
  type Json,
  json,
  problems,
  queryParameters,
} from "./parts";

/** What every create or replace can answer, whatever the kind. */
const WRITE_ERRORS = ["VALIDATION_FAILED", "FORBIDDEN", "NAME_TAKEN", "UNKNOWN_REFERENCE"] as const;

/** The collection and item paths of one resource kind (list, create, read, replace, delete). */
export function resourcePaths(manifest: ResourceManifest): Json {
  const { tag, schemas } = manifest;
  const body = { required: true, content: json(schemas.input, "input") };
  const createBody = { required: true, content: json(schemas.createInput ?? schemas.input, "input") };
  return {
    [`/api/v1${manifest.path}`]: {
      get: {
        tags: [tag],
        summary: `List ${tag}`,
        parameters: queryParameters(schemas.listQuery),
        responses: {
          "200": { description: "One page", content: json(pageOf(schemas.record)) },
          ...problems(["VALIDATION_FAILED"]),
        },
      },
      post: {
        tags: [tag],
        summary: `Create`,
        parameters: [idempotencyKey],
        requestBody: createBody,
        responses: {
          "201": {
            description: "Created",
            headers: { ...etag, Location: { schema: { type: "string" } } },
            content: json(schemas.created ?? schemas.record),
          },
          ...problems([
            ...WRITE_ERRORS,
            ...manifest.writeErrors,
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
          ]),
        },
      },
    },
    [`/api/v1${manifest.path}/{id}`]: {
      parameters: [idParameter],
      get: {
        tags: [tag],
        summary: "Read one",
        responses: {
          "200": { description: "The record", headers: etag, content: json(schemas.record) },
          ...problems(["NOT_FOUND"]),
        },
      },
      put: {
        tags: [tag],
        summary: "Replace (full update)",
        parameters: [ifMatch(true)],
        requestBody: body,
        responses: {
          "200": { description: "Replaced", headers: etag, content: json(schemas.record) },
          ...problems([
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
        parameters: [ifMatch(false)],
        responses: {
          "204": { description: "Deleted" },
          ...problems([
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
