// Tests run in tiers (see README "Tests"): unit (pure functions, no I/O), contract (storage
// conformance against SQLite and PostgreSQL, generated artifacts, error registry) and feature
// (the HTTP API, one folder per feature, against both databases).
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };
const tier = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: "node",
  transform,
  testMatch: [`<rootDir>/server/test/${name}/**/*.test.ts`, `<rootDir>/provider/test/${name}/**/*.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    tier("unit"),
    tier("contract", {
      globalSetup: "<rootDir>/server/test/helpers/postgres-global-setup.ts",
      globalTeardown: "<rootDir>/server/test/helpers/postgres-global-teardown.ts",
    }),
    tier("feature", {
      globalSetup: "<rootDir>/server/test/helpers/postgres-global-setup.ts",
      globalTeardown: "<rootDir>/server/test/helpers/postgres-global-teardown.ts",
    }),
  ],
};
