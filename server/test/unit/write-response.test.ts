import fc from "fast-check";
import { responseOf } from "../../src/domain/records/write";

/**
 * The response of a management write (and of its replay under the same Idempotency-Key) follows
 * from the write's description and its outcome alone: a create answers 201 with the record's
 * Location and ETag, a secret rotation 200 with the ETag; the body is the record plus what is
 * revealed only this once.
 */
const record = fc.record({
  id: fc.uuid(),
  name: fc.string({ minLength: 1 }),
  version: fc.integer({ min: 1, max: 1e9 }),
  createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  updatedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  description: fc.string(),
});
const reveal = fc.option(fc.record({ clientSecret: fc.option(fc.string(), { nil: null }) }), {
  nil: undefined,
});

test("a create answers 201 with Location and ETag, and the record with what it reveals", () => {
  fc.assert(
    fc.property(record, reveal, fc.webUrl(), (view, revealed, collectionUrl) => {
      const operation = { kind: "create" as const, input: { name: view.name }, collectionUrl };
      const response = responseOf(operation, { view, reveal: revealed });
      expect(response.status).toBe(201);
      expect(response.headers).toEqual({
        location: `${collectionUrl}/${view.id}`,
        etag: `"${view.version}"`,
      });
      expect(response.body).toEqual({ ...view, ...revealed });
    }),
  );
});

test("a rotation answers 200 with the ETag only, and the record with the new secret", () => {
  fc.assert(
    fc.property(record, fc.string(), (view, clientSecret) => {
      const operation = { kind: "rotateSecret" as const, id: view.id, expectedVersion: undefined };
      const response = responseOf(operation, { view, reveal: { clientSecret } });
      expect(response).toEqual({
        status: 200,
        headers: { etag: `"${view.version}"` },
        body: { ...view, clientSecret },
      });
    }),
  );
});
