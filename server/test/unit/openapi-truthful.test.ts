import fc from "fast-check";
import { checkKeyFormat } from "../../src/domain/idempotency";
import { buildOpenApiDocument } from "../../src/openapi/document";

// What the OpenAPI document says a request must be is what the server requires: generators
// (schemathesis) build requests from it, and clients read it as the contract.

interface Parameter {
  name: string;
  in: string;
  schema: { pattern?: string };
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { description: string }>;
  requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
}

const document = buildOpenApiDocument("test") as { paths: Record<string, Record<string, Operation>> };
const operation = (path: string, method: string) => document.paths[path]![method]!;

const accepted = (check: () => void) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

describe("the OpenAPI document says what the server requires", () => {
  it.each([
    "/api/v1/integrations",
    "/api/v1/auth-scopes",
    "/api/v1/users",
    "/api/v1/integrations/{id}/rotate-secret",
  ])(
    "Idempotency-Key of POST %s: the published pattern accepts exactly the keys the server accepts",
    (path) => {
      const parameter = operation(path, "post").parameters?.find((p) => p.name === "Idempotency-Key");
      expect(parameter?.schema.pattern).toBeDefined();
      const published = new RegExp(parameter!.schema.pattern!);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.string({ unit: fc.constantFrom(..."aZ09-_~!\x7e\x7f \t"), minLength: 10, maxLength: 270 }),
            fc.uuid(),
          ),
          (key) => {
            expect(published.test(key)).toBe(accepted(() => checkKeyFormat(key)));
          },
        ),
        { numRuns: 2000 },
      );
    },
  );

  const withIdempotencyKey = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.parameters?.some((p) => p.name === "Idempotency-Key"))
      .map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
  );

  it.each(withIdempotencyKey)(
    "%s documents the Idempotency-Key refusals it can answer (400, 422)",
    (_name, op) => {
      expect(op.responses["400"]?.description).toContain("IDEMPOTENCY_KEY_INVALID");
      expect(op.responses["422"]?.description).toContain("IDEMPOTENCY_KEY_REUSED");
    },
  );

  it("POST /users requires a password (the server refuses a new user without one); PUT does not", () => {
    const required = (method: string) =>
      operation(method === "post" ? "/api/v1/users" : "/api/v1/users/{id}", method).requestBody?.content[
        "application/json"
      ]?.schema.required ?? [];
    expect(required("post")).toContain("password");
    expect(required("put")).not.toContain("password");
  });
});
