import type { FastifyInstance } from "fastify";
import { MANIFEST_BY_KIND, type ManifestKind, RESOURCE_MANIFESTS } from "../../contract";
import type { RecordMeta } from "../../domain/records/behaviour";
import type { RecordService } from "../../domain/records/service";
import type { Registry } from "../../domain/registry";
import { integrationRoutes } from "./integrations";
import { recordRoutesOf } from "./kind-routes";
import { registerRecordRoutes } from "./records";
import { userRoutes } from "./users";

/** Kinds whose routes do more than the generic ones (routes/management/<kind>.ts). */
const OWN_ROUTES: { [K in ManifestKind]?: (app: FastifyInstance, registry: Registry) => void } = {
  integration: integrationRoutes,
  user: userRoutes,
};

/** Every resource kind's routes, in the manifests' order: its own file's, or the generic ones. */
export function resourceRoutes(app: FastifyInstance, registry: Registry): void {
  for (const { kind } of RESOURCE_MANIFESTS) {
    const own = OWN_ROUTES[kind];
    if (own) own(app, registry);
    else {
      // Any kind's service, for routes whose input schema (the manifest's) validates every body.
      const service = registry.services[kind] as unknown as RecordService<
        { name: string },
        RecordMeta,
        unknown
      >;
      registerRecordRoutes(app, recordRoutesOf(MANIFEST_BY_KIND[kind], service));
    }
  }
}
