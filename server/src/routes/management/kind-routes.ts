import type { z } from "zod";
import { type InputOf, MANIFEST_BY_KIND, type ManifestKind, PageQueryShape } from "../../contract";
import type { Clock } from "../../domain/clock";
import type { Outcome } from "../../domain/records/service";
import type { Registry } from "../../domain/registry";
import type { RecordRoutes } from "./records";

type ListQuery = { limit: number; cursor?: string } & Record<string, unknown>;

/**
 * The generic record routes of a kind, from its manifest: its path, input and list query, and one
 * exact-match filter per list-query field that is not a page parameter.
 */
export function recordRoutesOf<K extends ManifestKind>(
  kind: K,
  registry: Registry,
  clock: Clock,
  created?: (outcome: Outcome) => unknown,
): RecordRoutes<InputOf<K>, ListQuery> {
  const manifest = MANIFEST_BY_KIND[kind];
  const filterNames = Object.keys(manifest.schemas.listQuery.shape).filter(
    (name) => !(name in PageQueryShape),
  );
  return {
    path: manifest.path,
    service: registry.services[kind],
    input: manifest.schemas.input as unknown as z.ZodType<InputOf<K>, unknown>,
    listQuery: manifest.schemas.listQuery as unknown as z.ZodType<ListQuery, unknown>,
    filters: (query) =>
      Object.fromEntries(filterNames.map((name) => [name, query[name] as string | undefined])),
    created,
    clock,
  };
}
