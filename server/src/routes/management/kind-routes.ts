import type { z } from "zod";
import { PageQueryShape, type ResourceManifest } from "../../contract";
import type { RecordMeta } from "../../domain/records/behaviour";
import type { RecordService } from "../../domain/records/service";
import type { RecordRoutes } from "./records";

type ListQuery = { limit: number; cursor?: string } & Record<string, unknown>;

/**
 * The generic record routes of a kind, from its manifest: its path, input and list query, and one
 * exact-match filter per list-query field that is not a page parameter.
 */
export function recordRoutesOf<I extends { name: string }, R extends RecordMeta, P>(
  manifest: ResourceManifest,
  service: RecordService<I, R, P>,
): RecordRoutes<I, R, P, ListQuery> {
  const filterNames = Object.keys(manifest.schemas.listQuery.shape).filter(
    (name) => !(name in PageQueryShape),
  );
  return {
    path: manifest.path,
    service,
    input: manifest.schemas.input as z.ZodType<I, unknown>,
    listQuery: manifest.schemas.listQuery as unknown as z.ZodType<ListQuery, unknown>,
    filters: (query) =>
      Object.fromEntries(filterNames.map((name) => [name, query[name] as string | undefined])),
  };
}
