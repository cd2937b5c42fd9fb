import type * as pulumi from "@pulumi/pulumi";
import type { ResourceClassName } from "../../provider/src/dynamic";

/** One provider object per kind, shared by every resource of that kind in the program. */
const providers = new Map<ResourceClassName, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object Pulumi serializes into the program's state (as `__provider`) and runs in its
 * dynamic-provider host. Each method only loads the implementation by package name and calls it,
 * so the serialized text holds no credential and no server code: the admin token comes from stack
 * config through configure (or the environment), never from a captured variable.
 *
 * The same object is returned for every resource of a kind: Pulumi caches a dynamic provider's
 * serialized text per object, and serializing one takes tens of milliseconds of CPU (closure
 * analysis through the inspector), so a fresh object per resource would cost that per resource.
 */
export function providerObject(kind: ResourceClassName): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    provider = newProviderObject(kind);
    providers.set(kind, provider);
  }
  return provider;
}

function newProviderObject(kind: ResourceClassName): pulumi.dynamic.ResourceProvider {
  const load = () => require("@inbound-oauth/pulumi/provider") as typeof import("../../provider/src/dynamic");
  return {
    configure: async (req) => load().configure(req.config),
    check: async (_olds, news) => load().checkInputs(kind, news),
    diff: async (_id, olds, news) => load().diffInputs(kind, olds, news),
    create: async (inputs) => load().create(kind, inputs),
    read: async (id, props) => load().read(kind, id, props),
    update: async (id, olds, news) => load().update(kind, id, olds, news),
    delete: async (id) => load().remove(kind, id),
  };
}

/** What seeds a resource's idempotent create: the same resource of the same stack, whatever the run. */
export function resourceSeed(name: string): string {
  // Loaded lazily so that the SDK module itself stays cheap to import.
  const runtime = require("@pulumi/pulumi") as typeof pulumi;
  return `${runtime.getProject()}/${runtime.getStack()}/${name}`;
}
