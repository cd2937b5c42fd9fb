import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { renderOpenApi } from "../../scripts/generate-openapi";
import { buildApp } from "../../src/app";
import { createAdminToken } from "../../src/domain/admin-tokens";
import { uuidv7 } from "../../src/domain/ids";
import { buildOpenApiDocument } from "../../src/openapi/document";
import { VERSION } from "../../src/version";
import { openTestStore, type TestStore } from "../helpers/test-app";

const COMMITTED_PATH = join(__dirname, "..", "..", "openapi.json");
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

interface Operation {
  responses: Record<string, unknown>;
}
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

const document = buildOpenApiDocument(VERSION) as {
  paths: Record<string, PathItem>;
  info: { version: string };
};

/** Every documented operation as "METHOD /path/{param}". */
const documentedOperations = Object.entries(document.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
);

/** Endpoints the server has on purpose outside the document it serves. */
const UNDOCUMENTED_BY_DESIGN = new Set(["GET /api/v1/openapi.json"]);

describe("server/openapi.json", () => {
  it("is exactly what renderOpenApi() produces from the contract (if not: run `make generate` and commit it)", () => {
    const committed = readFileSync(COMMITTED_PATH, "utf8");
    const rendered = renderOpenApi();
    if (committed !== rendered) {
      // The deep-equality diff shows which part drifted; the message says how to fix it.
      expect(JSON.parse(committed)).toEqual(JSON.parse(rendered));
      throw new Error(
        "server/openapi.json differs from the contract (formatting): run `make generate` and commit it.",
      );
    }
    expect(committed).toBe(rendered);
  });

  it("carries the server's VERSION", () => {
    expect(JSON.parse(readFileSync(COMMITTED_PATH, "utf8")).info.version).toBe(VERSION);
  });
});

describe("the OpenAPI document against the running server's routes", () => {
  let store: TestStore;
  let app: FastifyInstance;
  let token: string;
  let baseUrl: string;
  const registered: string[] = [];

  beforeAll(async () => {
    store = await openTestStore("sqlite");
    app = buildApp({ db: store.db, logLevel: "silent" });
    // Added before ready(): the /api/v1 plugins register their routes when the app boots.
    app.addHook("onRoute", (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) registered.push(`${method} ${route.url}`);
    });
    await app.ready();
    // Over loopback rather than app.inject(): inject needs require(esm) (light-my-request -> cookie),
    // which plain `npx jest` without --experimental-vm-modules cannot load.
    baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    ({ token } = await createAdminToken(store.db, "openapi-drift", "admin", new Date().toISOString()));
  });

  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  /** Fastify's /:id as OpenAPI's /{id}. */
  const asOpenApi = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

  it("sees the routes the server registers (the hook works)", () => {
    expect(registered).toEqual(
      expect.arrayContaining(["GET /api/v1/integrations", "POST /api/v1/integrations"]),
    );
  });

  it("documents every /api/v1 route the server registers", () => {
    const documented = new Set(documentedOperations);
    const missing = registered
      .filter((route) => route.includes(" /api/v1/"))
      .map(asOpenApi)
      // Fastify adds a HEAD route for every GET route by itself: it is covered by its GET.
      .map((route) => route.replace(/^HEAD /, "GET "))
      .filter((route) => !UNDOCUMENTED_BY_DESIGN.has(route))
      .filter((route) => !documented.has(route));
    expect(missing).toEqual([]);
  });

  it("registers every documented operation", () => {
    const served = new Set(registered.map(asOpenApi));
    expect(documentedOperations.filter((operation) => !served.has(operation))).toEqual([]);
    expect(documentedOperations.length).toBeGreaterThanOrEqual(20);
  });

  it.each(documentedOperations)(
    "answers %s with one of its documented statuses, not ROUTE_NOT_FOUND",
    async (operation) => {
      const [method, path] = operation.split(" ") as [string, string];
      const url = path.replaceAll("{id}", uuidv7());
      const hasBody = method === "POST" || method === "PUT";
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(hasBody ? { "content-type": "application/json" } : {}),
          ...(method === "PUT" ? { "if-match": '"1"' } : {}),
        },
        ...(hasBody ? { body: "{}" } : {}),
      });
      const text = await response.text();
      const body = text ? (JSON.parse(text) as { code?: string }) : {};
      expect(response.status).not.toBe(405);
      expect(body.code).not.toBe("ROUTE_NOT_FOUND");
      const lowered = method.toLowerCase() as (typeof METHODS)[number];
      const documentedStatuses = Object.keys(document.paths[path]?.[lowered]?.responses ?? {});
      expect(documentedStatuses).toContain(String(response.status));
    },
  );

  it("serves at /api/v1/openapi.json exactly buildOpenApiDocument(VERSION), without a token", async () => {
    const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const served = await response.json();
    expect(served).toEqual(buildOpenApiDocument(VERSION));
    expect(served).toEqual(JSON.parse(readFileSync(COMMITTED_PATH, "utf8")));
  });
});
