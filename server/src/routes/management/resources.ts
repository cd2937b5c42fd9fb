import type { FastifyInstance } from "fastify";
import { type ManifestKind, RESOURCE_MANIFESTS } from "../../contract";
import type { Clock } from "../../domain/clock";
import type { Registry } from "../../domain/registry";
import { integrationRoutes } from "./integrations";
import { recordRoutesOf } from "./kind-routes";
import { registerRecordRoutes } from "./records";
import { userRoutes } from "./users";

/** Kinds whose routes do more than the generic ones (routes/management/<kind>.ts). */
const OWN_ROUTES: { [K in ManifestKind]?: (app: FastifyInstance, registry: Registry, clock: Clock) => void } =
  {
    integration: integrationRoutes,
    user: userRoutes,
  };

/** Every resource kind's routes, in the manifests' order. */
export function resourceRoutes(app: FastifyInstance, registry: Registry, clock: Clock): void {
  for (const { kind } of RESOURCE_MANIFESTS) {
    const own = OWN_ROUTES[kind];
    if (own) own(app, registry, clock);
    else registerRecordRoutes(app, recordRoutesOf(kind, registry, clock));
  }
}
