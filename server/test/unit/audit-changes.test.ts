import { fieldChanges } from "../../src/domain/audit";

const META = {
  id: "0190a7c4-0000-7000-8000-000000000001",
  version: 1,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
};

const record = {
  ...META,
  name: "Web app",
  redirectUrls: ["https://a.example.com/cb", "https://b.example.com/cb"],
  active: true,
  accessTokenLifespan: 1800,
  clientSecretFingerprint: null,
};

describe("fieldChanges on create", () => {
  it("lists every non-meta field with its value as after, and no before", () => {
    const changes = fieldChanges(undefined, record);
    expect(changes).toEqual([
      { field: "name", after: "Web app" },
      { field: "redirectUrls", after: ["https://a.example.com/cb", "https://b.example.com/cb"] },
      { field: "active", after: true },
      { field: "accessTokenLifespan", after: 1800 },
      { field: "clientSecretFingerprint", after: null },
    ]);
    for (const change of changes) expect(change).not.toHaveProperty("before");
  });
});

describe("fieldChanges on delete", () => {
  it("lists every non-meta field with its value as before, and no after", () => {
    const changes = fieldChanges(record, undefined);
    expect(changes.map((c) => c.field)).toEqual([
      "name",
      "redirectUrls",
      "active",
      "accessTokenLifespan",
      "clientSecretFingerprint",
    ]);
    expect(changes[0]).toEqual({ field: "name", before: "Web app" });
    for (const change of changes) expect(change).not.toHaveProperty("after");
  });
});

describe("fieldChanges on update", () => {
  it("lists only the fields that changed, with before and after", () => {
    const changes = fieldChanges(record, { ...record, active: false, accessTokenLifespan: 600 });
    expect(changes).toEqual([
      { field: "active", before: true, after: false },
      { field: "accessTokenLifespan", before: 1800, after: 600 },
    ]);
  });

  it("ignores the meta fields id, version, createdAt and updatedAt", () => {
    const after = {
      ...record,
      id: "other",
      version: 2,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
    expect(fieldChanges(record, after)).toEqual([]);
  });

  it("compares arrays by value: an equal copy is no change, a reorder or an addition is", () => {
    expect(fieldChanges(record, { ...record, redirectUrls: [...record.redirectUrls] })).toEqual([]);
    expect(fieldChanges(record, { ...record, redirectUrls: [...record.redirectUrls].reverse() })).toEqual([
      { field: "redirectUrls", before: record.redirectUrls, after: [...record.redirectUrls].reverse() },
    ]);
    expect(
      fieldChanges(record, { ...record, redirectUrls: [...record.redirectUrls, "https://c.example.com/cb"] }),
    ).toHaveLength(1);
  });

  it("reports a field that was removed with after null, and one that was added with before null", () => {
    const { active: _active, ...withoutActive } = record;
    expect(fieldChanges(record, { ...withoutActive, logoUrl: "https://a.example.com/logo.png" })).toEqual([
      { field: "active", before: true, after: null },
      { field: "logoUrl", before: null, after: "https://a.example.com/logo.png" },
    ]);
  });

  it("reports no changes for identical views", () => {
    expect(fieldChanges(record, { ...record })).toEqual([]);
  });
});
