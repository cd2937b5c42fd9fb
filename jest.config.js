// Tests run in tiers (see README "Tests"): unit (pure functions, no I/O), contract (storage
// conformance against SQLite and PostgreSQL, generated artifacts, error registry) and feature
// (the HTTP API, one folder per feature, against both databases), and end to end (e2e/: the real
// Pulumi CLI and engine on the examples).
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };
const tier = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: "node",
  transform,
  testMatch: [`<rootDir>/server/test/${name}/**/*.test.ts`, `<rootDir>/provider/test/${name}/**/*.test.ts`],
  ...extra,
});

// The unit tier also runs the tests of the CI jobs users copy (examples/ci: pure functions on
// recorded engine output).
const unit = tier("unit");
unit.testMatch.push("<rootDir>/examples/ci/test/**/*.test.ts");
// And the SDK's: its generated types against schema.json.
unit.testMatch.push("<rootDir>/sdk/test/**/*.test.ts");

/** @type {import('jest').Config} */
module.exports = {
  // Stack folders of the e2e tier (test-output/) hold copies of the examples' package.json.
  modulePathIgnorePatterns: ["<rootDir>/test-output/"],
  projects: [
    unit,
    tier("contract", {
      globalSetup: "<rootDir>/server/test/helpers/postgres-global-setup.ts",
      globalTeardown: "<rootDir>/server/test/helpers/postgres-global-teardown.ts",
    }),
    // The real Pulumi engine (make pulumi-cli) driving the examples against a real server process.
    {
      displayName: "e2e",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/e2e/**/*.test.ts"],
    },
    tier("feature", {
      globalSetup: "<rootDir>/server/test/helpers/postgres-global-setup.ts",
      globalTeardown: "<rootDir>/server/test/helpers/postgres-global-teardown.ts",
    }),
  ],
};
