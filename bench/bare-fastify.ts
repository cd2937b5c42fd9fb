// The baseline for bench/management-api.ts: a bare Fastify server with the same Fastify version,
// the same logger level (pino at warn) and body limit as the real server, but no auth, no
// validation and no database. Its figures are the ceiling the real routes are compared with.
//
//   node dist/bench/bare-fastify.js --port 18080 [--host 127.0.0.1]
import { parseArgs } from "node:util";
import Fastify from "fastify";

/** Shaped and sized like GET /api/v1/integrations/{id} (about 550 bytes of JSON). */
const RECORD = {
  id: "01a22259-9969-75ec-b08a-e11208e82e70",
  name: "bench-integration",
  providerName: "Acme",
  redirectUrls: ["https://app.example.com/cb"],
  publicClient: false,
  allowAccessOnlyToApisInSelectedScope: false,
  enforceTokenRestriction: false,
  tokenFormat: "Opaque",
  accessTokenLifespan: 1800,
  refreshTokenLifespan: 8640000,
  active: true,
  deletionProtection: false,
  clientSecretFingerprint: "sha256:v1ZR-wjeDsgIVVRq",
  clientId: "16d69b59e423ee2338e34092894d6591",
  authScopes: [],
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

/** Shaped and sized like the 201 body of POST /api/v1/integrations (about 610 bytes). */
const CREATED = { ...RECORD, clientSecret: "oOu41UzvCzpn6zSzn0e0YEhBgX4qbiZuZ5oOwJrqttE" };

const { values } = parseArgs({
  options: { port: { type: "string" }, host: { type: "string" } },
});
const port = Number(values.port ?? 0);
const host = values.host ?? "127.0.0.1";

const app = Fastify({ logger: { level: "warn" }, bodyLimit: 64 * 1024 });

app.get("/bare", async () => RECORD);

app.post("/bare", async (request, reply) => {
  // Fastify has already parsed the JSON body; look at it so the work cannot be skipped.
  const body = request.body as { name?: unknown } | null;
  if (typeof body?.name !== "string") return reply.code(400).send({ error: "name is required" });
  return reply.code(201).send(CREATED);
});

app.listen({ port, host }).then(
  (url) => process.stdout.write(`${JSON.stringify({ msg: "bare fastify ready", url })}\n`),
  (error: Error) => {
    process.stderr.write(`bare-fastify: ${error.message}\n`);
    process.exit(1);
  },
);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
